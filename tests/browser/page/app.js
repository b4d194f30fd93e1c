// The test page: a JsSIP phone (and, for the self-test, a bare RTCPeerConnection) exposing a
// small promise-based API on window.T for the Playwright driver (run.mjs).
import JsSIP from 'jssip';
if (new URLSearchParams(location.search).has('debug')) JsSIP.debug.enable('JsSIP:*');
import { candidates, filterSdp, loopbackReady } from './sdp.js';
import { summarize } from './stats.js';

const now = () => performance.timeOrigin + performance.now(); // epoch ms, comparable across pages

// max-bundle: one transport for audio and video, so one 127.0.0.1 candidate is enough to send.
const PC_CONFIG = { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
const AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

const state = {
  ua: null, session: null, pc: null, registered: false, events: [], sentSdp: null,
  receivedSdp: null, times: {}, answerOptions: null, calls: 0, endCause: null,
};

function event(type, detail = {}) {
  state.events.push({ at: Math.round(now()), type, ...detail });
  document.getElementById('status').textContent = `${type} ${JSON.stringify(detail)}`;
}

function mediaConstraints(video) {
  return { audio: AUDIO, video: video ? { width: 320, height: 240, frameRate: 15 } : false };
}

/** Plays the remote tracks (audio levels in getStats only move while audio plays). */
function playRemote(pc) {
  pc.addEventListener('track', (e) => {
    const el = document.getElementById(e.track.kind === 'video' ? 'remoteVideo' : 'remoteAudio');
    const stream = e.streams[0] || new MediaStream([e.track]);
    el.srcObject = stream;
    el.play().catch((err) => event('play-failed', { kind: e.track.kind, error: String(err) }));
  });
}

/** Watches inbound audio after the INVITE went out or came in: records when bytes arrive. */
async function watchFirstMedia(pc) {
  const deadline = now() + 60000;
  while (state.pc === pc && now() < deadline && pc.connectionState !== 'closed') {
    const s = await summarize(pc);
    if (s.audioIn.bytes > 0 && !state.times.firstAudioIn) state.times.firstAudioIn = now();
    if (s.videoIn.framesDecoded > 0 && !state.times.firstVideoDecoded) {
      state.times.firstVideoDecoded = now();
    }
    if (state.times.firstAudioIn && (!s.videoIn.codec || state.times.firstVideoDecoded)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Hooks every session (ours or incoming): loopback-only SDP, quick gathering, media. */
function wire(session) {
  state.session = session;
  state.pc = null;
  state.times = { newSession: now() };
  state.endCause = null;
  state.calls += 1;
  const attach = (pc) => {
    if (state.pc === pc) return;
    state.pc = pc;
    playRemote(pc);
    pc.addEventListener('iceconnectionstatechange',
      () => event('ice', { state: pc.iceConnectionState }));
  };
  if (session.connection) attach(session.connection);
  session.on('peerconnection', (e) => attach(e.peerconnection));
  // JsSIP waits for ICE gathering to complete; release it once 127.0.0.1 is in the SDP.
  session.on('icecandidate', (e) => {
    if (session.connection && loopbackReady(session.connection.localDescription?.sdp)) {
      e.ready();
    }
  });
  session.on('sdp', (e) => {
    if (e.originator === 'local') {
      e.sdp = filterSdp(e.sdp);
      state.sentSdp = e.sdp;
    } else {
      state.receivedSdp = e.sdp;
    }
  });
  session.on('sending', () => {
    state.times.inviteSent = now();
    event('sending');
  });
  session.on('progress', (e) => event('progress', { code: e.response?.status_code }));
  session.on('accepted', () => { state.times.accepted = now(); event('accepted'); });
  session.on('confirmed', () => {
    state.times.confirmed = now();
    event('confirmed');
    if (session.connection) {
      attach(session.connection);
      watchFirstMedia(session.connection);
    }
  });
  session.on('ended', (e) => { state.endCause = e.cause; event('ended', { cause: e.cause }); });
  session.on('failed', (e) => {
    state.endCause = e.cause;
    event('failed', { cause: e.cause, code: e.message?.status_code });
  });
}

function register(user, password, wsUrl, domain, contactHost = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = new JsSIP.WebSocketInterface(wsUrl);
    const ua = new JsSIP.UA({
      sockets: [socket],
      uri: `sip:${user}@${domain}`,
      authorization_user: user,
      password,
      contact_uri: `sip:${user}@${contactHost};transport=ws`,
      session_timers: false,
      register: true,
      register_expires: 600,
      connection_recovery_min_interval: 2,
      connection_recovery_max_interval: 4,
      user_agent: `opentelephony-browser-test JsSIP/${JsSIP.version}`,
    });
    state.ua = ua;
    ua.on('connected', () => event('ws-connected'));
    ua.on('disconnected', (e) => event('ws-disconnected', { code: e.code, reason: e.reason }));
    ua.on('registered', () => { state.registered = true; event('registered'); resolve(true); });
    ua.on('registrationFailed', (e) => {
      event('registration-failed', { cause: e.cause, code: e.response?.status_code });
      reject(new Error(`registration failed: ${e.cause}`
        + (e.response ? ` (${e.response.status_code} ${e.response.reason_phrase})` : '')));
    });
    ua.on('newRTCSession', (e) => {
      wire(e.session);
      event('new-session', { originator: e.originator });
      if (e.originator === 'remote') {
        if (!state.answerOptions) {
          e.session.terminate({ status_code: 486 });
          return;
        }
        e.session.answer({ mediaConstraints: mediaConstraints(state.answerOptions.video),
          pcConfig: PC_CONFIG });
      }
    });
    ua.start();
  });
}

function call(target, { audio = true, video = false } = {}) {
  if (!state.ua) throw new Error('register first');
  const uri = target.includes('@') ? target : `sip:${target}@${state.ua.configuration.uri.host}`;
  state.ua.call(uri.startsWith('sip:') ? uri : `sip:${uri}`, {
    mediaConstraints: { ...mediaConstraints(video), audio: audio ? AUDIO : false },
    pcConfig: PC_CONFIG,
    rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: video },
  });
  return true;
}

function hangup() {
  if (state.session && !state.session.isEnded()) state.session.terminate();
  return true;
}

function stop() {
  hangup();
  if (state.ua) state.ua.stop();
  return true;
}

async function stats() {
  const s = await summarize(state.pc);
  return { ...s, times: state.times, endCause: state.endCause, registered: state.registered,
    sessionStatus: state.session ? state.session.status : null };
}

// ---- bare RTCPeerConnection, for the self-test without a server --------------------------

async function gatherLoopback(pc, timeoutMs = 10000) {
  const deadline = now() + timeoutMs;
  while (!loopbackReady(pc.localDescription?.sdp) && pc.iceGatheringState !== 'complete') {
    if (now() > deadline) throw new Error('no 127.0.0.1 candidate gathered');
    await new Promise((r) => setTimeout(r, 10));
  }
  return filterSdp(pc.localDescription.sdp);
}

async function rawPeer({ video }) {
  const pc = new RTCPeerConnection(PC_CONFIG);
  state.pc = pc;
  state.times = { newSession: now() };
  playRemote(pc);
  const stream = await navigator.mediaDevices.getUserMedia(mediaConstraints(video));
  stream.getTracks().forEach((t) => pc.addTrack(t, stream));
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') watchFirstMedia(pc);
  });
  return pc;
}

async function rawOffer({ video = true } = {}) {
  const pc = await rawPeer({ video });
  await pc.setLocalDescription(await pc.createOffer());
  state.sentSdp = await gatherLoopback(pc);
  return state.sentSdp;
}

async function rawAnswer(offer, { video = true } = {}) {
  const pc = await rawPeer({ video });
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  state.sentSdp = await gatherLoopback(pc);
  return state.sentSdp;
}

async function rawAccept(answer) {
  await state.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  return true;
}

window.T = {
  register, call, hangup, stop, stats,
  answerCalls: (opts = {}) => { state.answerOptions = { video: Boolean(opts.video) }; return true; },
  events: () => state.events,
  // synchronous, for waitForFunction (a returned promise would count as truthy at once)
  endCause: () => state.endCause,
  // a re-INVITE with new ICE credentials (the server must restart ICE and keep media going)
  restartIce: () => new Promise((resolve, reject) => {
    if (!state.session) { reject(new Error('no call')); return; }
    const started = state.session.renegotiate(
      { rtcOfferConstraints: { iceRestart: true } }, () => resolve(true));
    if (!started) reject(new Error('renegotiate refused'));
  }),
  sentSdp: () => state.sentSdp,
  receivedSdp: () => state.receivedSdp,
  sentCandidates: () => (state.sentSdp ? candidates(state.sentSdp) : []),
  allLocalCandidates: () => (state.pc?.localDescription ? candidates(state.pc.localDescription.sdp) : []),
  rawOffer, rawAnswer, rawAccept,
  version: JsSIP.version,
};
document.getElementById('status').textContent = 'ready';
