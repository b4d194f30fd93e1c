// OpenTelephony JavaScript SDK: one-to-one voice and video calls from a web page through your
// own OpenTelephony server (JSON over WebSocket, docs/API.md; usage in docs/SDK.md).
// An ES module with no dependencies and no build step:
//
//   import { create } from 'https://your.server/sdk/opentelephony.js';
//   const client = create({ server: 'https://your.server' });
//   await client.login('alice', 'alice123');
//   client.on('call:receive', (c) => client.call.answer(c.callId, { video: c.video }));
//   const id = await client.call.make('bob', { audio: true, video: true });
//   client.media.renderTracks(id, document.getElementById('videos'));

import { Emitter } from './emitter.js';
import { setDirection, sdpCandidates, summarizeStats } from './util.js';

export const VERSION = '0.1.0';

/** Call states (docs/API.md). */
export const STATES = Object.freeze(['PENDING', 'RINGING', 'CONNECTING', 'TALKING', 'ENDED']);

const DEFAULTS = {
  iceServers: [],
  // How long to wait for ICE gathering before sending the SDP anyway (the rest is trickled).
  iceGatheringTimeout: 2000,
  // Reconnection: first delay, cap, and how long to keep trying (the server's window).
  reconnectDelay: 500,
  reconnectMaxDelay: 5000,
  reconnectWindow: 30000,
  // Local getStats() summary emitted as call:stats (source 'local') every statsInterval ms.
  statsInterval: 2000,
  pingInterval: 20000,
  audio: true, // getUserMedia audio constraints (true = browser defaults)
  video: { width: { ideal: 640 }, height: { ideal: 480 } },
  sdpTransform: null, // (sdp, {callId, type}) => sdp, applied to every local SDP sent
  candidateFilter: null, // (candidateString) => boolean, for trickled candidates
};

function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An Error with the protocol's `code` (HTTP-like) and, when it is about one, the `callId`. */
export class SdkError extends Error {
  constructor(code, message, callId) {
    super(message);
    this.name = 'SdkError';
    this.code = code;
    if (callId) this.callId = callId;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates a client. `options.server` is the server's base URL (`http://127.0.0.1:8080`,
 * `https://host:8443`); the WebSocket URL is derived from it (http -> ws, https -> wss).
 */
export function create(options = {}) {
  return new Client(options);
}

class Client extends Emitter {
  constructor(options) {
    super();
    if (!options.server && typeof location !== 'undefined') options.server = location.origin;
    if (!options.server) throw new SdkError(400, 'create({server}) needs the server base URL');
    this.options = { ...DEFAULTS, ...options };
    this.server = String(options.server).replace(/\/+$/, '');
    this.user = null;
    this.token = null;
    this.sessionId = null;
    this.connectionState = 'disconnected';
    this._ws = null;
    this._calls = new Map();
    this._credentials = null;
    this._reqSeq = 0;
    this._pending = new Map(); // reqId -> {resolve, reject, callId, type}
    this._loggedOut = true;
    this._pingTimer = null;
    /** Call control; every method takes the call id. */
    this.call = {
      make: (to, opts) => this._make(to, opts),
      answer: (id, opts) => this._answer(id, opts),
      reject: (id) => this._simple(id, 'call.reject'),
      end: (id) => this._end(id),
      update: (id, info) => this._update(id, info),
      hold: (id) => this._hold(id, true),
      resume: (id) => this._hold(id, false),
      mute: (id, kind = 'audio') => this._mute(id, kind, true),
      unmute: (id, kind = 'audio') => this._mute(id, kind, false),
      restartIce: (id) => this._restartIce(id),
      getById: (id) => this._snapshot(this._calls.get(id)),
      list: () => [...this._calls.values()].map((c) => this._snapshot(c)),
      getStats: (id) => this._localStats(id),
    };
    /** Media helpers. */
    this.media = {
      renderTracks: (id, container, opts) => this._render(id, container, opts),
      localStream: (id) => this._calls.get(id)?.localStream || null,
      remoteStream: (id) => this._calls.get(id)?.remoteStream || null,
    };
  }

  // ---------------------------------------------------------------------- connection
  /** POST /api/token, then opens the WebSocket; resolves with the user when it is ready. */
  async login(user, password) {
    if (this._ws) this._closeSocket(1000, 'relogin');
    this._credentials = { user, password };
    this._loggedOut = false;
    await this._fetchToken();
    await this._connect(false);
    return this.user;
  }

  /** Ends every live call, closes the WebSocket and forgets the token and credentials. */
  async logout() {
    for (const c of this._calls.values()) {
      if (c.state !== 'ENDED') this._end(c.callId).catch(() => {});
    }
    this._loggedOut = true;
    this._credentials = null;
    this._closeSocket(1000, 'logout');
    this.token = null;
    this._setConnection('disconnected', 'logout');
  }

  /** GET /api/calls: the user's call history, newest first. */
  async history({ limit = 50 } = {}) {
    if (!this.token) throw new SdkError(401, 'not logged in');
    const r = await fetch(`${this.server}/api/calls?limit=${encodeURIComponent(limit)}`,
      { headers: { Authorization: `Bearer ${this.token}` } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new SdkError(r.status, body.error || body.message || `HTTP ${r.status}`);
    return body.calls || [];
  }

  /**
   * Closes the WebSocket as if the network dropped (for tests and "network changed" handling):
   * the SDK reconnects with backoff and the calls resume.
   */
  simulateDisconnect() {
    if (this._ws) {
      const ws = this._ws;
      this._detach(ws);
      ws.close(4000, 'simulated disconnect');
      this._onSocketLost('simulated');
    }
  }

  async _fetchToken() {
    let r;
    try {
      r = await fetch(`${this.server}/api/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: this._credentials.user, password: this._credentials.password }),
      });
    } catch (e) {
      throw new SdkError(0, `cannot reach ${this.server}: ${e.message}`);
    }
    const body = await r.json().catch(() => ({}));
    if (!r.ok || !body.token) {
      throw new SdkError(r.status, body.error || body.message || `HTTP ${r.status}`);
    }
    this.token = body.token;
    this.tokenExpiresAt = Date.now() + (body.expiresIn || 3600) * 1000;
    this.user = body.user || this._credentials.user;
  }

  _wsUrl() {
    const u = new URL(this.server);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.pathname = `${u.pathname.replace(/\/+$/, '')}/ws`;
    u.search = `?token=${encodeURIComponent(this.token)}`;
    return u.toString();
  }

  _setConnection(state, reason) {
    if (this.connectionState === state) return;
    const previous = this.connectionState;
    this.connectionState = state;
    this.emit('connection:change', { state, previous, reason: reason || null });
  }

  /** Opens the socket; resolves on connection.ready, rejects on close/refusal before it. */
  _connect(reconnecting) {
    this._setConnection(reconnecting ? 'reconnecting' : 'connecting');
    return new Promise((resolve, reject) => {
      let ready = false;
      let ws;
      try {
        ws = new WebSocket(this._wsUrl());
      } catch (e) {
        reject(new SdkError(0, e.message));
        return;
      }
      this._ws = ws;
      ws.onmessage = (ev) => {
        let m;
        try {
          m = JSON.parse(ev.data);
        } catch {
          return;
        }
        if (m.type === 'connection.ready' && !ready) {
          ready = true;
          this.sessionId = m.sessionId;
          this.user = m.user || this.user;
          this._startPing();
          this._setConnection('connected');
          this._resume(m.resumedCalls || [], reconnecting);
          resolve();
          return;
        }
        this._onMessage(m);
      };
      ws.onclose = (ev) => {
        if (this._ws !== ws) return;
        this._detach(ws);
        if (!ready) {
          const code = ev.code === 4401 ? 401 : 0;
          reject(new SdkError(code, ev.reason || `WebSocket closed (${ev.code})`));
          return;
        }
        this._onSocketLost(`closed ${ev.code}${ev.reason ? ` ${ev.reason}` : ''}`);
      };
      ws.onerror = () => {};
    });
  }

  _detach(ws) {
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    if (this._ws === ws) this._ws = null;
    clearInterval(this._pingTimer);
    // Requests waiting for an answer over this socket will not get one.
    for (const [reqId, p] of this._pending) {
      if (p.type !== 'call.make') {
        this._pending.delete(reqId);
        p.reject(new SdkError(0, 'connection lost', p.callId));
      }
    }
  }

  _closeSocket(code, reason) {
    const ws = this._ws;
    if (!ws) return;
    this._detach(ws);
    try {
      ws.close(code, reason);
    } catch { /* already closed */ }
  }

  _startPing() {
    clearInterval(this._pingTimer);
    this._pingTimer = setInterval(() => this._send({ type: 'ping' }), this.options.pingInterval);
  }

  /** Reconnects with backoff until the reconnection window is over. */
  async _onSocketLost(reason) {
    if (this._loggedOut || this._reconnecting) return;
    this._reconnecting = true;
    this._setConnection('reconnecting', reason);
    const started = Date.now();
    let delay = this.options.reconnectDelay;
    let attempt = 0;
    try {
      while (!this._loggedOut && Date.now() - started < this.options.reconnectWindow) {
        attempt += 1;
        await sleep(delay);
        if (this._loggedOut) return;
        try {
          if (this.token && Date.now() > this.tokenExpiresAt - 5000 && this._credentials) {
            await this._fetchToken();
          }
          await this._connect(true);
          return;
        } catch (e) {
          this.emit('connection:retry', { attempt, error: e.message, code: e.code });
          if (e.code === 401 && this._credentials) {
            await this._fetchToken().catch(() => {});
          }
        }
        delay = Math.min(delay * 2, this.options.reconnectMaxDelay);
      }
      if (!this._loggedOut) {
        this._setConnection('disconnected', 'reconnection window over');
        for (const c of this._calls.values()) this._ended(c, 'disconnected', true);
      }
    } finally {
      this._reconnecting = false;
    }
  }

  /** After (re)connection: calls the server still has continue, the others ended. */
  _resume(resumed, reconnecting) {
    const alive = new Map(resumed.map((r) => [r.callId, r]));
    for (const c of this._calls.values()) {
      if (c.state === 'ENDED') continue;
      const r = alive.get(c.callId);
      if (!r) {
        if (reconnecting) this._ended(c, 'disconnected', true);
        continue;
      }
      if (r.state && r.state !== c.state) this._setState(c, r.state, r.reason);
      c.resumed = true;
      if (!c.started) {
        // call.make went out but call.start was lost with the old socket
        c.started = true;
        for (const [reqId, p] of this._pending) {
          if (p.confirm === 'call.start' && p.callId === c.callId) {
            this._pending.delete(reqId);
            p.resolve();
          }
        }
      }
    }
    for (const r of resumed) {
      if (!this._calls.has(r.callId)) {
        // A call from an earlier page load: known, but without media on this page.
        const c = this._newCall(r.callId, r.direction || 'unknown', r);
        c.state = r.state || 'PENDING';
        c.resumed = true;
      }
    }
    if (reconnecting || resumed.length) this.emit('connection:resumed', { calls: resumed.map((r) => r.callId) });
  }

  _send(msg) {
    if (!this._ws || this._ws.readyState !== 1) return false;
    this._ws.send(JSON.stringify(msg));
    return true;
  }

  /** Sends a request with a reqId; resolves when the server confirms or rejects on `error`. */
  _request(msg, confirm) {
    const reqId = `${msg.type}-${++this._reqSeq}`;
    return new Promise((resolve, reject) => {
      if (!this._send({ ...msg, reqId })) {
        reject(new SdkError(0, 'not connected', msg.callId));
        return;
      }
      // Most requests have no positive acknowledgement: treat "no error soon" as success.
      const p = { resolve, reject, callId: msg.callId, type: msg.type };
      this._pending.set(reqId, p);
      if (!confirm) {
        setTimeout(() => {
          if (this._pending.get(reqId) === p) {
            this._pending.delete(reqId);
            resolve();
          }
        }, 400);
      } else {
        p.confirm = confirm;
        setTimeout(() => {
          if (this._pending.get(reqId) === p) {
            this._pending.delete(reqId);
            reject(new SdkError(504, `no ${confirm} from the server`, msg.callId));
          }
        }, 20000);
      }
    });
  }

  // ---------------------------------------------------------------------- server messages
  _onMessage(m) {
    const c = m.callId ? this._calls.get(m.callId) : null;
    switch (m.type) {
      case 'pong':
        return;
      case 'error':
        this._onError(m, c);
        return;
      case 'call.start':
        if (!c) return;
        c.started = true;
        Object.assign(c, { to: m.to ?? c.to, audio: m.audio ?? c.audio, video: m.video ?? c.video });
        for (const [reqId, p] of this._pending) {
          if (p.confirm === 'call.start' && p.callId === c.callId) {
            this._pending.delete(reqId);
            p.resolve();
          }
        }
        this.emit('call:start', this._snapshot(c));
        return;
      case 'call.receive':
        this._onReceive(m);
        return;
      case 'call.stateChange':
        if (c) this._setState(c, m.state, m.reason);
        return;
      case 'call.sdp':
        if (c) this._onRemoteSdp(c, m);
        return;
      case 'call.update':
        if (c) this.emit('call:update', { callId: c.callId, info: m.info });
        return;
      case 'call.mute':
        if (c) {
          c.remoteMuted[m.kind] = Boolean(m.muted);
          this.emit('call:mute', { callId: c.callId, kind: m.kind, muted: Boolean(m.muted), remote: true });
        }
        return;
      case 'call.stats':
        if (c) {
          c.serverStats = m.streams;
          this.emit('call:stats', { callId: c.callId, source: 'server', streams: m.streams });
        }
        return;
      case 'call.media':
        if (c) {
          c.serverMedia = { ice: m.ice, dtls: m.dtls, dtlsFailure: m.dtlsFailure || null };
          this.emit('call:media', { callId: c.callId, ...c.serverMedia });
        }
        return;
      default:
        this.emit('message', m); // forward compatibility
    }
  }

  _onError(m, c) {
    const err = { callId: m.callId || null, code: m.code, message: m.message, reqId: m.reqId || null };
    const p = m.reqId ? this._pending.get(m.reqId) : null;
    if (p) {
      this._pending.delete(m.reqId);
      p.reject(new SdkError(m.code, m.message, m.callId || p.callId));
      if (!c && p.callId) c = this._calls.get(p.callId);
      // A call the server refused before it existed there ends here.
      if (p.type === 'call.make' && c && !c.started) {
        const reason = { 403: 'forbidden', 404: 'not_found' }[m.code] || 'failed';
        this.emit('call:error', { ...err, callId: c.callId });
        this._ended(c, reason, true);
        return;
      }
    }
    this.emit('call:error', err);
  }

  _onReceive(m) {
    if (this._calls.has(m.callId)) return; // resent after a reconnection
    const c = this._newCall(m.callId, 'incoming', {
      caller: m.caller, callee: m.callee, audio: m.audio !== false, video: Boolean(m.video),
      extraParam: m.extraParam ?? null, time: m.time,
    });
    c.remoteOffer = m.sdp;
    this.emit('call:receive', this._snapshot(c));
  }

  _setState(c, state, reason) {
    if (!state || c.state === state || c.state === 'ENDED') return;
    if (state === 'ENDED') {
      this._ended(c, reason || 'failed', false);
      return;
    }
    const previous = c.state;
    c.state = state;
    c.history.push(state);
    if (state === 'TALKING' && !c.talkingAt) {
      c.talkingAt = Date.now();
      this._startStats(c);
    }
    this.emit('call:stateChange', { callId: c.callId, previous, state, reason: null });
  }

  _ended(c, reason, local) {
    if (c.state === 'ENDED') return;
    const previous = c.state;
    c.state = 'ENDED';
    c.reason = reason;
    c.endedAt = Date.now();
    c.history.push('ENDED');
    this._release(c);
    this.emit('call:stateChange', { callId: c.callId, previous, state: 'ENDED', reason, local });
  }

  // ---------------------------------------------------------------------- calls
  _newCall(callId, direction, extra = {}) {
    const c = {
      callId, direction, state: 'PENDING', reason: null, history: ['PENDING'],
      to: null, caller: null, callee: null, audio: true, video: false, extraParam: null,
      createdAt: Date.now(), talkingAt: null, endedAt: null, held: false, started: false,
      muted: { audio: false, video: false }, remoteMuted: { audio: false, video: false },
      pc: null, localStream: null, remoteStream: new MediaStream(), audioEl: null,
      queue: Promise.resolve(), sentSdp: null, pendingCandidates: [], sdpSent: false,
      serverStats: null, serverMedia: null, lastStats: null, statsTimer: null, views: [],
      ...extra,
    };
    this._calls.set(callId, c);
    return c;
  }

  _snapshot(c) {
    if (!c) return null;
    return {
      callId: c.callId, direction: c.direction, state: c.state, reason: c.reason,
      states: [...c.history], to: c.to, caller: c.caller, callee: c.callee,
      peer: c.direction === 'outgoing' ? c.to : c.caller,
      audio: c.audio, video: c.video, extraParam: c.extraParam, held: c.held,
      muted: { ...c.muted }, remoteMuted: { ...c.remoteMuted },
      createdAt: c.createdAt, talkingAt: c.talkingAt, endedAt: c.endedAt,
      durationMs: c.talkingAt ? (c.endedAt || Date.now()) - c.talkingAt : 0,
      stats: c.lastStats, serverStats: c.serverStats, serverMedia: c.serverMedia,
      resumed: Boolean(c.resumed),
    };
  }

  _need(id, ...states) {
    const c = this._calls.get(id);
    if (!c) throw new SdkError(404, `unknown call ${id}`, id);
    if (states.length && !states.includes(c.state)) {
      throw new SdkError(409, `call ${id} is ${c.state}`, id);
    }
    return c;
  }

  /** Serializes the SDP work of one call (offers, answers, re-offers never interleave). */
  _serial(c, fn) {
    const run = c.queue.then(fn, fn);
    c.queue = run.catch(() => {});
    return run;
  }

  async _userMedia(audio, video) {
    if (!audio && !video) return new MediaStream();
    try {
      return await navigator.mediaDevices.getUserMedia({
        audio: audio ? this.options.audio : false,
        video: video ? this.options.video : false,
      });
    } catch (e) {
      throw new SdkError(403, `camera/microphone not available: ${e.name || e.message}`);
    }
  }

  _peer(c) {
    const pc = new RTCPeerConnection({
      iceServers: this.options.iceServers,
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    c.pc = pc;
    pc.addEventListener('icecandidate', (e) => this._onCandidate(c, e.candidate));
    pc.addEventListener('track', (e) => {
      c.remoteStream.getTracks().filter((t) => t.kind === e.track.kind)
        .forEach((t) => c.remoteStream.removeTrack(t));
      c.remoteStream.addTrack(e.track);
      if (e.track.kind === 'audio') this._playAudio(c);
      c.views.forEach((v) => v.remote && (v.remote.srcObject = c.remoteStream));
      this.emit('call:track', { callId: c.callId, kind: e.track.kind });
    });
    pc.addEventListener('connectionstatechange', () => {
      this.emit('call:media', { callId: c.callId, local: true, connection: pc.connectionState,
        ice: pc.iceConnectionState });
    });
    return pc;
  }

  _playAudio(c) {
    if (typeof Audio === 'undefined') return;
    if (!c.audioEl) {
      c.audioEl = new Audio();
      c.audioEl.autoplay = true;
      c.audioEl.dataset && (c.audioEl.dataset.callId = c.callId);
    }
    c.audioEl.srcObject = c.remoteStream;
    c.audioEl.play().catch(() => {
      this.emit('call:error', { callId: c.callId, code: 0,
        message: 'remote audio blocked by the autoplay policy: call play() after a user gesture' });
    });
  }

  _onCandidate(c, cand) {
    const msg = cand
      ? { type: 'call.candidate', callId: c.callId, candidate: cand.candidate,
        sdpMid: cand.sdpMid, sdpMLineIndex: cand.sdpMLineIndex }
      : { type: 'call.candidate', callId: c.callId, candidate: '', sdpMid: null, sdpMLineIndex: null };
    if (cand && !cand.candidate) return; // Chromium's per-m-line end markers
    if (cand && this.options.candidateFilter && !this.options.candidateFilter(cand.candidate)) return;
    if (!c.sdpSent) c.pendingCandidates.push(msg);
    else this._trickle(c, msg);
  }

  _trickle(c, msg) {
    // Candidates already in the SDP sent are not repeated.
    if (msg.candidate && c.sentCandidates?.has(msg.candidate.replace(/^a=/, ''))) return;
    this._send(msg);
  }

  _flushCandidates(c) {
    c.sdpSent = true;
    const q = c.pendingCandidates.splice(0);
    q.forEach((m) => this._trickle(c, m));
  }

  /** Sets the local description, waits for gathering (bounded), returns the SDP to send. */
  async _localDescription(c, desc) {
    await c.pc.setLocalDescription(desc);
    const pc = c.pc;
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        const t = setTimeout(done, this.options.iceGatheringTimeout);
        function done() {
          clearTimeout(t);
          pc.removeEventListener('icegatheringstatechange', check);
          resolve();
        }
        function check() {
          if (pc.iceGatheringState === 'complete') done();
        }
        pc.addEventListener('icegatheringstatechange', check);
      });
    }
    let sdp = pc.localDescription.sdp;
    if (this.options.sdpTransform) sdp = this.options.sdpTransform(sdp, { callId: c.callId, type: desc?.type || pc.localDescription.type });
    c.sentSdp = sdp;
    c.sentCandidates = new Set(sdpCandidates(sdp));
    return sdp;
  }

  async _make(to, { audio = true, video = false, extraParam } = {}) {
    if (!this.token) throw new SdkError(401, 'not logged in');
    if (!to) throw new SdkError(400, 'call.make needs a callee');
    if (extraParam != null && String(extraParam).length > 1024) {
      throw new SdkError(400, 'extraParam longer than 1024 characters');
    }
    const callId = uuid();
    const c = this._newCall(callId, 'outgoing', {
      to, audio: Boolean(audio), video: Boolean(video),
      extraParam: extraParam == null ? null : String(extraParam),
      caller: this.user, callee: to,
    });
    try {
      await this._serial(c, async () => {
        c.localStream = await this._userMedia(audio, video);
        if (c.state === 'ENDED') throw new SdkError(409, 'call ended before it was sent', callId);
        const pc = this._peer(c);
        for (const kind of ['audio', 'video']) {
          const track = c.localStream.getTracks().find((t) => t.kind === kind);
          const wanted = kind === 'audio' ? audio : video;
          if (track) pc.addTransceiver(track, { direction: 'sendrecv', streams: [c.localStream] });
          else if (wanted) pc.addTransceiver(kind, { direction: 'recvonly' });
        }
        const sdp = await this._localDescription(c, await pc.createOffer());
        if (c.state === 'ENDED') throw new SdkError(409, 'call ended before it was sent', callId);
        const msg = { type: 'call.make', callId, to, audio: Boolean(audio), video: Boolean(video), sdp };
        if (c.extraParam != null) msg.extraParam = c.extraParam;
        const sent = this._request(msg, 'call.start');
        this._flushCandidates(c);
        this.emit('call:outgoing', this._snapshot(c));
        await sent;
      });
    } catch (e) {
      const err = e instanceof SdkError ? e : new SdkError(500, e.message, callId);
      err.callId = callId;
      // (an error from the server was reported and ended the call in _onError already)
      if (c.state !== 'ENDED') {
        this.emit('call:error', { callId, code: err.code, message: err.message });
        this._ended(c, err.code === 403 ? 'forbidden' : 'failed', true);
      }
      throw err;
    }
    return callId;
  }

  async _answer(id, { video = false } = {}) {
    const c = this._need(id, 'PENDING', 'RINGING');
    if (c.direction !== 'incoming') throw new SdkError(409, 'only an incoming call can be answered', id);
    if (video && !c.video) {
      const err = new SdkError(403, 'a voice-only call cannot be answered with video', id);
      this.emit('call:error', { callId: id, code: err.code, message: err.message });
      throw err;
    }
    c.answeredVideo = Boolean(video);
    await this._serial(c, async () => {
      c.localStream = await this._userMedia(c.audio, video);
      const pc = this._peer(c);
      await pc.setRemoteDescription({ type: 'offer', sdp: c.remoteOffer });
      for (const t of pc.getTransceivers()) {
        const kind = t.receiver.track.kind;
        const track = c.localStream.getTracks().find((x) => x.kind === kind);
        if (track) {
          await t.sender.replaceTrack(track);
          t.sender.setStreams?.(c.localStream);
          t.direction = 'sendrecv';
        } else {
          t.direction = 'recvonly';
        }
      }
      const sdp = await this._localDescription(c, await pc.createAnswer());
      if (c.state === 'ENDED') throw new SdkError(409, 'call ended before the answer was sent', id);
      const sent = this._request({ type: 'call.answer', callId: id, video: Boolean(video), sdp });
      this._flushCandidates(c);
      await sent;
    });
    return id;
  }

  async _simple(id, type) {
    this._need(id, 'PENDING', 'RINGING');
    await this._request({ type, callId: id });
  }

  async _end(id) {
    const c = this._need(id);
    if (c.state === 'ENDED') return;
    if (!this._send({ type: 'call.end', callId: id })) {
      this._ended(c, 'hangup_local', true);
      return;
    }
    // If the server's ENDED does not come (e.g. the call was unknown there), end it anyway.
    setTimeout(() => this._ended(c, 'hangup_local', true), 5000);
  }

  async _update(id, info) {
    this._need(id, 'PENDING', 'RINGING', 'CONNECTING', 'TALKING');
    const s = typeof info === 'string' ? info : JSON.stringify(info);
    if (s.length > 4096) throw new SdkError(400, 'update info longer than 4096 characters', id);
    await this._request({ type: 'call.update', callId: id, info: s });
  }

  async _hold(id, hold) {
    const c = this._need(id, 'CONNECTING', 'TALKING');
    if (!c.pc) throw new SdkError(409, 'no media on this page for this call', id);
    await this._serial(c, async () => {
      for (const t of c.pc.getTransceivers()) {
        if (t.currentDirection === 'stopped' || t.stopped) continue;
        if (t.sender.track) t.direction = hold ? 'sendonly' : 'sendrecv';
        else t.direction = hold ? 'inactive' : 'recvonly';
      }
      let sdp = await this._localDescription(c, await c.pc.createOffer());
      sdp = setDirection(sdp, hold);
      c.awaitingAnswer = true;
      await this._request({ type: hold ? 'call.hold' : 'call.resume', callId: id, sdp });
      c.held = hold;
      this.emit('call:hold', { callId: id, held: hold });
    });
  }

  async _restartIce(id) {
    const c = this._need(id, 'CONNECTING', 'TALKING');
    await this._serial(c, async () => {
      const sdp = await this._localDescription(c, await c.pc.createOffer({ iceRestart: true }));
      c.awaitingAnswer = true;
      await this._request({ type: c.held ? 'call.hold' : 'call.resume', callId: id, sdp });
    });
  }

  async _mute(id, kind, muted) {
    if (kind !== 'audio' && kind !== 'video') throw new SdkError(400, `kind must be audio or video`, id);
    const c = this._need(id);
    c.localStream?.getTracks().filter((t) => t.kind === kind).forEach((t) => { t.enabled = !muted; });
    c.muted[kind] = muted;
    if (c.state !== 'ENDED') this._send({ type: 'call.mute', callId: id, kind, muted });
    this.emit('call:mute', { callId: id, kind, muted, remote: false });
  }

  _onRemoteSdp(c, m) {
    const type = m.sdpType || 'answer';
    this._serial(c, async () => {
      if (!c.pc) {
        if (type === 'offer' && c.direction === 'incoming' && !c.answeredVideo && c.state !== 'TALKING') {
          c.remoteOffer = m.sdp; // a newer offer before we answered
        }
        return;
      }
      if (type === 'answer') {
        if (c.pc.signalingState !== 'have-local-offer') return;
        await c.pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        c.awaitingAnswer = false;
        return;
      }
      // A server re-offer (e.g. the far end put us on hold): answer it.
      if (c.pc.signalingState === 'have-local-offer') {
        await c.pc.setLocalDescription({ type: 'rollback' });
      }
      await c.pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      for (const t of c.pc.getTransceivers()) {
        const kind = t.receiver.track.kind;
        if (!t.sender.track) {
          const track = c.localStream?.getTracks().find((x) => x.kind === kind
            && !c.pc.getSenders().some((s) => s.track === x));
          if (track) {
            await t.sender.replaceTrack(track);
            t.sender.setStreams?.(c.localStream);
          }
        }
        if (!t.stopped) t.direction = t.sender.track ? 'sendrecv' : 'recvonly';
      }
      const sdp = await this._localDescription(c, await c.pc.createAnswer());
      this._send({ type: 'call.sdp', callId: c.callId, sdpType: 'answer', sdp });
      this.emit('call:renegotiated', { callId: c.callId });
    }).catch((e) => {
      this.emit('call:error', { callId: c.callId, code: 488, message: `cannot apply remote SDP: ${e.message}` });
    });
  }

  // ---------------------------------------------------------------------- media and stats
  _render(id, container, { local = true, remote = true } = {}) {
    const c = this._need(id);
    if (!container) throw new SdkError(400, 'renderTracks needs a container element', id);
    const view = { container, local: null, remote: null };
    const make = (cls, label) => {
      let el = container.querySelector(`video.${cls}`);
      if (!el) {
        el = document.createElement('video');
        el.className = `ot-video ${cls}`;
        el.setAttribute('aria-label', label);
        container.appendChild(el);
      }
      el.autoplay = true;
      el.playsInline = true;
      el.muted = true; // remote audio plays through the SDK's own <audio>
      el.dataset.callId = id;
      return el;
    };
    if (remote) {
      view.remote = make('ot-remote', 'remote video');
      view.remote.srcObject = c.remoteStream;
      view.remote.play?.().catch(() => {});
    }
    if (local) {
      view.local = make('ot-local', 'local video');
      view.local.srcObject = c.localStream || null;
      view.local.play?.().catch(() => {});
    }
    c.views.push(view);
    return { local: view.local, remote: view.remote };
  }

  async _localStats(id) {
    const c = this._need(id);
    if (!c.pc) return null;
    const s = await summarizeStats(c.pc);
    c.lastStats = s;
    return s;
  }

  _startStats(c) {
    if (!c.pc || c.statsTimer) return;
    c.statsTimer = setInterval(async () => {
      if (!c.pc || c.state === 'ENDED') return;
      try {
        const s = await summarizeStats(c.pc);
        c.lastStats = s;
        this.emit('call:stats', { callId: c.callId, source: 'local', ...s });
      } catch { /* closed meanwhile */ }
    }, this.options.statsInterval);
  }

  _release(c) {
    clearInterval(c.statsTimer);
    c.statsTimer = null;
    // Keep the last figures: getById() after the end still shows them.
    if (c.pc && c.pc.connectionState !== 'closed') {
      summarizeStats(c.pc).then((s) => { c.lastStats = s; }).catch(() => {})
        .finally(() => c.pc?.close());
    }
    c.localStream?.getTracks().forEach((t) => t.stop());
    if (c.audioEl) c.audioEl.srcObject = null;
    for (const [reqId, p] of this._pending) {
      if (p.callId === c.callId) {
        this._pending.delete(reqId);
        // (reject/end/update need no acknowledgement: the end is what they asked for, or moot)
        if (p.confirm) p.reject(new SdkError(409, `call ended (${c.reason})`, c.callId));
        else p.resolve();
      }
    }
  }
}
