// The demo page: the OpenTelephony SDK and plain DOM code, nothing else.
import { create } from '../sdk/opentelephony.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const client = create({ server: params.get('server') || location.origin });
window.demo = { client }; // for the browser tests and the console

let current = null; // the call id shown in the call card
let incoming = null;
let timer = null;

// ------------------------------------------------------------------ log
function log(text, cls) {
  const li = document.createElement('li');
  const t = document.createElement('time');
  t.textContent = new Date().toLocaleTimeString();
  li.append(t, document.createTextNode(text));
  if (cls) li.className = cls;
  $('log').prepend(li);
  while ($('log').children.length > 200) $('log').lastChild.remove();
}

client.on('*', (name, data) => {
  if (name === 'call:stats') return; // shown in the statistics card
  const d = { ...data };
  delete d.sdp;
  log(`${name} ${JSON.stringify(d, (k, v) => (['states', 'stats', 'serverStats', 'muted', 'remoteMuted'].includes(k) ? undefined : v))}`,
    name.endsWith('error') ? 'error' : '');
});

// ------------------------------------------------------------------ connection
client.on('connection:change', ({ state }) => {
  $('conn').dataset.state = state;
  $('conn').textContent = { connected: 'online', connecting: 'connecting…', reconnecting: 'reconnecting…', disconnected: 'offline' }[state] || state;
  const online = state === 'connected';
  $('make').disabled = !online;
  $('refresh').disabled = !client.token;
});

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login').disabled = true;
  try {
    await client.login($('user').value.trim(), $('password').value);
    $('whoami').textContent = `Logged in as ${client.user}.`;
    $('logout').hidden = false;
    $('login').hidden = true;
    refreshHistory();
  } catch (err) {
    $('whoami').textContent = `Login failed: ${err.message} (${err.code})`;
    log(`login failed: ${err.code} ${err.message}`, 'error');
  } finally {
    $('login').disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  await client.logout();
  $('whoami').textContent = 'Not logged in.';
  $('logout').hidden = true;
  $('login').hidden = false;
});

// ------------------------------------------------------------------ calls
$('call-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const to = $('to').value.trim();
  const video = $('video').checked;
  try {
    const id = await client.call.make(to, { audio: true, video });
    show(id);
  } catch (err) {
    log(`call failed: ${err.code} ${err.message}`, 'error');
  }
});

client.on('call:outgoing', (c) => show(c.callId));

client.on('call:receive', (c) => {
  incoming = c.callId;
  $('incoming-from').textContent = c.caller;
  $('incoming-kind').textContent = c.video ? 'with video' : '(voice)';
  $('incoming-extra').textContent = c.extraParam ? `extra: ${c.extraParam}` : '';
  $('answer-video').checked = c.video;
  $('answer-video').disabled = !c.video;
  $('incoming').hidden = false;
});

$('answer').addEventListener('click', async () => {
  const id = incoming;
  $('incoming').hidden = true;
  try {
    await client.call.answer(id, { video: $('answer-video').checked });
    show(id);
  } catch (err) {
    log(`answer failed: ${err.code} ${err.message}`, 'error');
  }
});

$('reject').addEventListener('click', () => {
  $('incoming').hidden = true;
  client.call.reject(incoming).catch((err) => log(`reject failed: ${err.message}`, 'error'));
});

$('end').addEventListener('click', () => current && client.call.end(current));
$('mute').addEventListener('click', () => {
  const c = client.call.getById(current);
  if (!c) return;
  (c.muted.audio ? client.call.unmute : client.call.mute)(current, 'audio');
  $('mute').textContent = c.muted.audio ? 'Mute' : 'Unmute';
});
$('camera').addEventListener('click', () => {
  const c = client.call.getById(current);
  if (!c) return;
  (c.muted.video ? client.call.unmute : client.call.mute)(current, 'video');
  $('camera').textContent = c.muted.video ? 'Camera off' : 'Camera on';
});
$('hold').addEventListener('click', async () => {
  const c = client.call.getById(current);
  if (!c) return;
  try {
    await (c.held ? client.call.resume : client.call.hold)(current);
    $('hold').textContent = c.held ? 'Hold' : 'Resume';
  } catch (err) {
    log(`hold failed: ${err.code} ${err.message}`, 'error');
  }
});

function show(id) {
  if (current === id) return;
  current = id;
  const c = client.call.getById(id);
  $('current').hidden = false;
  $('current-peer').textContent = `${c.direction === 'outgoing' ? 'to' : 'from'} ${c.peer}`;
  setState(c.state);
  $('mute').textContent = 'Mute';
  $('camera').textContent = 'Camera off';
  $('hold').textContent = 'Hold';
  $('camera').disabled = !c.video;
  $('videos').replaceChildren();
  client.media.renderTracks(id, $('videos'));
}

function setState(state) {
  $('state').textContent = state;
  $('state').dataset.state = state;
}

client.on('call:stateChange', ({ callId, state, reason }) => {
  if (callId === incoming && state === 'ENDED') $('incoming').hidden = true;
  if (callId !== current) return;
  setState(reason ? `${state} (${reason})` : state);
  $('state').dataset.state = state;
  clearInterval(timer);
  if (state === 'TALKING') {
    const started = Date.now();
    timer = setInterval(() => { $('timer').textContent = fmt(Date.now() - started); }, 1000);
  }
  if (state === 'ENDED') {
    setTimeout(refreshHistory, 500);
  }
});

// The local video appears once getUserMedia answered: render again when the call has media.
client.on('call:track', ({ callId }) => { if (callId === current) client.media.renderTracks(callId, $('videos')); });

// ------------------------------------------------------------------ statistics
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
client.on('call:stats', (s) => {
  if (s.callId !== current || s.source !== 'local') return;
  const rows = [
    ['Audio in', `${kb(s.audioIn.bytes)} · ${s.audioIn.packets} pkts · lost ${s.audioIn.packetsLost}${s.audioIn.jitterMs != null ? ` · jitter ${s.audioIn.jitterMs} ms` : ''}`],
    ['Audio out', `${kb(s.audioOut.bytes)} · ${s.audioOut.packets} pkts`],
    ['Audio codec', s.audioIn.codec || s.audioOut.codec || '–'],
    ['Video in', s.videoIn.codec ? `${s.videoIn.width || '?'}×${s.videoIn.height || '?'} · ${s.videoIn.framesDecoded} frames · ${kb(s.videoIn.bytes)}` : '–'],
    ['Video out', s.videoOut.codec ? `${s.videoOut.framesEncoded} frames · ${kb(s.videoOut.bytes)}` : '–'],
    ['Video codec', s.videoIn.codec || s.videoOut.codec || '–'],
    ['RTT', s.rttMs != null ? `${s.rttMs} ms` : '–'],
    ['ICE / DTLS', `${s.ice} / ${s.dtls || '–'}`],
  ];
  $('stats').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    return [dt, dd];
  }));
});

// ------------------------------------------------------------------ history
const fmt = (ms) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

async function refreshHistory() {
  if (!client.token) return;
  try {
    const calls = await client.history({ limit: 20 });
    const rows = calls.map((c) => {
      const tr = document.createElement('tr');
      const peer = c.direction === 'outgoing' || c.caller === client.user ? c.callee : c.caller;
      const cells = [new Date(c.startedAt).toLocaleString(), peer,
        c.direction === 'incoming' || c.callee === client.user ? 'in' : 'out',
        c.durationMs ? fmt(c.durationMs) : '–', c.endReason || '–'];
      for (const v of cells) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      }
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement('tr');
      tr.innerHTML = '<td colspan="5" class="muted">No calls yet.</td>';
      rows.push(tr);
    }
    document.querySelector('#history tbody').replaceChildren(...rows);
  } catch (err) {
    log(`history failed: ${err.code} ${err.message}`, 'error');
  }
}
$('refresh').addEventListener('click', refreshHistory);
