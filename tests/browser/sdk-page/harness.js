// Injected (as a module, bundled by sdk-run.mjs) into a page served by the server under test:
// drives the SDK that the server serves at /sdk/ and exposes a small API on window.H.
import { create } from '/sdk/opentelephony.js';
import { filterSdp, candidates } from '../page/sdp.js';

const events = [];
const sent = []; // every local SDP the SDK sent
let client = null;
let autoAnswer = null;

function init({ loopbackFilter = true, noAnswer = false } = {}) {
  client = create({
    server: location.origin,
    // The ITs run in a loopback-only namespace; the filter also keeps a run outside one on 127.0.0.1.
    sdpTransform: (sdp) => {
      const out = loopbackFilter ? filterSdp(sdp) : sdp;
      sent.push(out);
      return out;
    },
    candidateFilter: loopbackFilter ? (c) => / 127\.0\.0\.1 \d+ typ host/.test(c) && / udp /i.test(c) : null,
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    video: { width: 320, height: 240, frameRate: 15 },
    reconnectDelay: 300,
  });
  client.on('*', (name, data) => {
    if (name === 'call:stats') return;
    const d = { ...data };
    delete d.sdp;
    delete d.stats;
    events.push({ at: Date.now(), name, ...d });
    if (name === 'call:receive' && autoAnswer) {
      client.call.answer(data.callId, autoAnswer).catch((e) => events.push({ at: Date.now(), name: 'answer-failed', code: e.code, message: e.message }));
    }
  });
  if (noAnswer) autoAnswer = null;
  return true;
}

const H = {
  init,
  login: async (u, p) => { if (!client) init(); await client.login(u, p); return client.user; },
  autoAnswer: (opts) => { autoAnswer = opts; return true; },
  make: (to, opts) => client.call.make(to, opts),
  answer: (id, opts) => client.call.answer(id, opts),
  reject: (id) => client.call.reject(id),
  end: (id) => client.call.end(id),
  update: (id, info) => client.call.update(id, info),
  hold: (id) => client.call.hold(id),
  resume: (id) => client.call.resume(id),
  mute: (id, k) => client.call.mute(id, k),
  get: (id) => client.call.getById(id),
  list: () => client.call.list(),
  stats: (id) => client.call.getStats(id),
  history: () => client.history(),
  drop: () => { client.simulateDisconnect(); return true; },
  connection: () => client.connectionState,
  events: () => events,
  /** Errors of make/answer as data: {ok, value} or {ok:false, code, message} */
  attempt: async (fn, ...args) => {
    try { return { ok: true, value: await H[fn](...args) }; } catch (e) { return { ok: false, code: e.code, message: e.message }; }
  },
  sentCandidates: () => sent.flatMap((s) => candidates(s)),
  render: (id) => {
    let box = document.getElementById('h-videos');
    if (!box) {
      box = document.createElement('div');
      box.id = 'h-videos';
      document.body.appendChild(box);
    }
    client.media.renderTracks(id, box);
    return true;
  },
  client: () => client,
  /** The loopback filter, for the demo page's own client (sdk-run.mjs demo). */
  __filter: (sdp) => filterSdp(sdp),
  __candidateFilter: (c) => / 127\.0\.0\.1 \d+ typ host/.test(c) && / udp /i.test(c),
};
window.H = H;
