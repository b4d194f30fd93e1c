// A fake of the server's browser call API (docs/API.md) for testing the JavaScript SDK without
// the Java server: serves gateway/src/main/resources/web at / (so /sdk/ and the demo page),
// POST /api/token, GET /api/calls and the JSON protocol at /ws. Calls between two connected
// users are connected by relaying the SDP offer/answer (the browsers then talk peer to peer);
// re-offers (hold/resume) are relayed to the other page, which answers. It is a protocol
// model, not the server: no SIP, no media relay, every state change is simulated.
//
//   node fake-api-server.mjs [--port 0] [--no-answer-ms 30000] [--window-ms 30000]
//   import { startFakeApiServer } from './fake-api-server.mjs'
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WEB = path.resolve(HERE, '..', '..', 'gateway', 'src', 'main', 'resources', 'web');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

// ---------------------------------------------------------------------- RFC 6455 framing
function frame(text, opcode = 0x1) {
  const payload = Buffer.from(text);
  const len = payload.length;
  let head;
  if (len < 126) head = Buffer.from([0x80 | opcode, len]);
  else if (len < 65536) head = Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

function parseFrames(buf, onFrame) {
  for (;;) {
    if (buf.length < 2) return buf;
    const op = buf[0] & 0x0f;
    let len = buf[1] & 0x7f;
    let off = 2;
    if (len === 126) { if (buf.length < 4) return buf; len = buf.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (buf.length < 10) return buf; len = Number(buf.readBigUInt64BE(2)); off = 10; }
    const masked = (buf[1] & 0x80) !== 0;
    const total = off + (masked ? 4 : 0) + len;
    if (buf.length < total) return buf;
    const mask = masked ? buf.subarray(off, off + 4) : null;
    const data = Buffer.from(buf.subarray(total - len, total));
    if (mask) for (let i = 0; i < data.length; i++) data[i] ^= mask[i % 4];
    onFrame(op, data);
    buf = buf.subarray(total);
  }
}

function closeFrame(code, reason) {
  const r = Buffer.from(reason);
  const p = Buffer.alloc(2 + r.length);
  p.writeUInt16BE(code, 0);
  r.copy(p, 2);
  const head = Buffer.from([0x88, p.length]);
  return Buffer.concat([head, p]);
}

// ---------------------------------------------------------------------- the fake
export function startFakeApiServer({
  port = 0,
  accounts = null,
  permissions = {}, // user -> { video: false }
  noAnswerMs = 30000,
  windowMs = 30000,
  statsMs = 2000,
  talkingDelayMs = 300,
} = {}) {
  if (!accounts) {
    accounts = { alice: 'alice123', bob: 'bob123', carol: 'carol123', dave: 'dave123' };
    for (let i = 1; i <= 20; i++) accounts[`u${i}`] = `pw-u${i}`;
  }
  const tokens = new Map(); // token -> {user, expires}
  const conns = new Map(); // user -> conn
  const calls = new Map(); // callId -> call
  const records = []; // finished calls
  const log = []; // every client message (type, user, callId)

  const send = (user, msg) => {
    const c = conns.get(user);
    if (c && !c.closed) c.socket.write(frame(JSON.stringify(msg)));
  };
  const other = (call, user) => (user === call.caller ? call.callee : call.caller);
  const setState = (call, state, reasons = {}) => {
    const previous = call.state;
    if (previous === state || previous === 'ENDED') return;
    call.state = state;
    for (const u of [call.caller, call.callee]) {
      if (u === call.callee && !call.delivered) continue;
      const msg = { type: 'call.stateChange', callId: call.callId, previous, state };
      if (state === 'ENDED') msg.reason = reasons[u] || reasons.all || 'failed';
      send(u, msg);
    }
    if (state === 'TALKING') {
      call.answeredAt = new Date().toISOString();
      call.statsTimer = setInterval(() => {
        for (const u of [call.caller, call.callee]) {
          send(u, { type: 'call.stats', callId: call.callId, streams: [
            { media: 'audio', leg: u === call.caller ? 'a' : 'b', packets: 100, bytes: 16000,
              loss: 0, jitterMs: 1, rttMs: 1 }] });
        }
      }, statsMs);
    }
    if (state === 'ENDED') {
      clearTimeout(call.noAnswer);
      clearInterval(call.statsTimer);
      calls.delete(call.callId);
      const endedAt = new Date().toISOString();
      records.unshift({ callId: call.callId, caller: call.caller, callee: call.callee,
        startedAt: call.startedAt, answeredAt: call.answeredAt || null, endedAt,
        durationMs: call.answeredAt ? Date.parse(endedAt) - Date.parse(call.answeredAt) : 0,
        endReason: reasons.all || reasons[call.caller] || 'failed', sipStatus: null,
        extraParam: call.extraParam ?? null });
    }
  };
  const error = (user, m, code, message) => send(user, { type: 'error', code, message,
    ...(m.callId ? { callId: m.callId } : {}), ...(m.reqId ? { reqId: m.reqId } : {}) });

  function onMessage(conn, text) {
    const user = conn.user;
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      error(user, {}, 400, 'malformed JSON');
      return;
    }
    log.push({ at: Date.now(), user, type: m.type, callId: m.callId, sdpType: m.sdpType,
      candidate: m.type === 'call.candidate' ? m.candidate : undefined, info: m.info,
      extraParam: m.extraParam, muted: m.muted, kind: m.kind });
    const call = m.callId ? calls.get(m.callId) : null;
    const needCall = () => {
      if (!call || (call.caller !== user && call.callee !== user)) {
        error(user, m, 404, `unknown call ${m.callId}`);
        return false;
      }
      return true;
    };
    switch (m.type) {
      case 'ping':
        send(user, { type: 'pong' });
        return;
      case 'call.make': {
        for (const f of ['callId', 'to', 'sdp']) {
          if (!m[f]) { error(user, m, 400, `call.make: missing ${f}`); return; }
        }
        if (m.video && permissions[user]?.video === false) {
          error(user, m, 403, 'video calls are not enabled for this account');
          return;
        }
        if (calls.has(m.callId)) { error(user, m, 409, 'callId in use'); return; }
        const callee = String(m.to).replace(/^sip:/, '').replace(/@.*/, '');
        const c = { callId: m.callId, caller: user, callee, audio: m.audio !== false,
          video: Boolean(m.video), extraParam: m.extraParam, offer: m.sdp, state: 'PENDING',
          startedAt: new Date().toISOString(), delivered: false };
        calls.set(c.callId, c);
        send(user, { type: 'call.start', callId: c.callId, to: m.to, audio: c.audio, video: c.video });
        if (!accounts[callee]) { setState(c, 'ENDED', { all: 'not_found' }); return; }
        if (!conns.get(callee) || conns.get(callee).closed) { setState(c, 'ENDED', { all: 'offline' }); return; }
        c.delivered = true;
        send(callee, { type: 'call.receive', callId: c.callId, caller: user, callee,
          audio: c.audio, video: c.video, extraParam: c.extraParam ?? null,
          time: new Date().toISOString(), sdp: c.offer });
        setState(c, 'RINGING');
        c.noAnswer = setTimeout(() => setState(c, 'ENDED', { all: 'no_answer' }), noAnswerMs);
        return;
      }
      case 'call.answer':
        if (!needCall()) return;
        if (user !== call.callee || !['PENDING', 'RINGING'].includes(call.state)) {
          error(user, m, 409, `cannot answer a call in state ${call.state}`);
          return;
        }
        if (!m.sdp) { error(user, m, 400, 'call.answer: missing sdp'); return; }
        if (m.video && !call.video) { error(user, m, 403, 'a voice-only call cannot be answered with video'); return; }
        if (m.video && permissions[user]?.video === false) {
          error(user, m, 403, 'video calls are not enabled for this account');
          return;
        }
        clearTimeout(call.noAnswer);
        setState(call, 'CONNECTING');
        send(call.caller, { type: 'call.sdp', callId: call.callId, sdpType: 'answer', sdp: m.sdp });
        setTimeout(() => setState(call, 'TALKING'), talkingDelayMs);
        return;
      case 'call.reject':
        if (!needCall()) return;
        if (user !== call.callee || call.state === 'TALKING' || call.state === 'CONNECTING') {
          error(user, m, 409, `cannot reject a call in state ${call.state}`);
          return;
        }
        setState(call, 'ENDED', { all: 'rejected' });
        return;
      case 'call.end':
        if (!needCall()) return;
        if (call.state === 'PENDING' || call.state === 'RINGING') setState(call, 'ENDED', { all: 'canceled' });
        else setState(call, 'ENDED', { [user]: 'hangup_local', [other(call, user)]: 'hangup_remote', all: 'hangup' });
        return;
      case 'call.update':
        if (!needCall()) return;
        if (typeof m.info !== 'string' || m.info.length > 4096) { error(user, m, 400, 'call.update: bad info'); return; }
        send(other(call, user), { type: 'call.update', callId: call.callId, info: m.info });
        return;
      case 'call.hold':
      case 'call.resume':
        if (!needCall()) return;
        if (!m.sdp) { error(user, m, 400, `${m.type}: missing sdp`); return; }
        call.reofferFrom = user;
        send(other(call, user), { type: 'call.sdp', callId: call.callId, sdpType: 'offer', sdp: m.sdp });
        return;
      case 'call.sdp':
        if (!needCall()) return;
        if (m.sdpType !== 'answer' || call.reofferFrom !== other(call, user)) {
          error(user, m, 409, 'no re-offer to answer');
          return;
        }
        call.reofferFrom = null;
        send(other(call, user), { type: 'call.sdp', callId: call.callId, sdpType: 'answer', sdp: m.sdp });
        return;
      case 'call.mute':
        if (!needCall()) return;
        send(other(call, user), { type: 'call.mute', callId: call.callId, kind: m.kind, muted: Boolean(m.muted) });
        return;
      case 'call.candidate':
        if (!needCall()) return;
        return;
      default:
        error(user, m, 400, `unknown type ${m.type}`);
    }
  }

  function userCalls(user) {
    return [...calls.values()].filter((c) => c.caller === user || (c.callee === user && c.delivered));
  }

  function onUpgrade(req, socket) {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/ws') { socket.end('HTTP/1.1 404 Not Found\r\n\r\n'); return; }
    const accept = crypto.createHash('sha1')
      .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'
      + `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const t = tokens.get(url.searchParams.get('token') || '');
    if (!t || t.expires < Date.now()) {
      socket.end(closeFrame(4401, t ? 'token expired' : 'invalid token'));
      return;
    }
    const conn = { user: t.user, socket, closed: false, sessionId: crypto.randomUUID() };
    const old = conns.get(t.user);
    if (old && !old.closed) { old.closed = true; old.socket.end(closeFrame(4409, 'replaced')); }
    conns.set(t.user, conn);
    for (const c of userCalls(t.user)) clearTimeout(c.windowTimer?.[t.user]);
    socket.write(frame(JSON.stringify({ type: 'connection.ready', user: t.user, sessionId: conn.sessionId,
      resumedCalls: userCalls(t.user).map((c) => ({ callId: c.callId, state: c.state,
        peer: other(c, t.user), direction: c.caller === t.user ? 'outgoing' : 'incoming',
        audio: c.audio, video: c.video })) })));
    let buf = Buffer.alloc(0);
    const lost = () => {
      if (conn.closed) return;
      conn.closed = true;
      for (const c of userCalls(conn.user)) {
        c.windowTimer = c.windowTimer || {};
        c.windowTimer[conn.user] = setTimeout(() => {
          if (conns.get(conn.user) === conn) setState(c, 'ENDED', { all: 'disconnected' });
        }, windowMs);
      }
    };
    socket.on('data', (d) => {
      buf = parseFrames(Buffer.concat([buf, d]), (op, data) => {
        if (op === 8) { socket.end(closeFrame(1000, '')); lost(); return; }
        if (op === 9) { socket.write(frame(data.toString(), 0xa)); return; }
        if (op === 1) onMessage(conn, data.toString());
      });
    });
    socket.on('close', lost);
    socket.on('error', lost);
  }

  async function body(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return Buffer.concat(chunks).toString();
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const json = (status, obj) => res.writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(obj));
    if (url.pathname === '/api/token' && req.method === 'POST') {
      let b = {};
      try { b = JSON.parse(await body(req)); } catch { /* empty */ }
      if (!b.user || accounts[b.user] !== b.password) { json(401, { error: 'invalid_credentials' }); return; }
      const token = crypto.randomBytes(16).toString('hex');
      tokens.set(token, { user: b.user, expires: Date.now() + 3600_000 });
      json(200, { token, expiresIn: 3600, user: b.user });
      return;
    }
    if (url.pathname === '/api/calls') {
      const t = tokens.get((req.headers.authorization || '').replace(/^Bearer /, ''));
      if (!t) { json(401, { error: 'invalid_token' }); return; }
      const limit = Number(url.searchParams.get('limit') || 50);
      json(200, { calls: records.filter((r) => r.caller === t.user || r.callee === t.user)
        .slice(0, limit).map((r) => ({ ...r, direction: r.caller === t.user ? 'outgoing' : 'incoming' })) });
      return;
    }
    if (url.pathname === '/_fake/log') { json(200, { log, calls: [...calls.keys()] }); return; }
    if (url.pathname === '/favicon.ico') { res.writeHead(204).end(); return; }
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    let file = path.join(WEB, path.normalize(rel));
    if (file.startsWith(WEB) && fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      file = path.join(file, 'index.html');
    }
    if (!file.startsWith(WEB) || !fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  server.on('upgrade', onUpgrade);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url, log, records,
        /** Drops a user's WebSocket from the server side (as a network failure would). */
        drop: (user) => conns.get(user)?.socket.destroy(),
        close: () => {
          for (const c of conns.values()) c.socket.destroy();
          for (const c of calls.values()) { clearTimeout(c.noAnswer); clearInterval(c.statsTimer); }
          server.close();
        },
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (k, d) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const s = await startFakeApiServer({ port: arg('--port', 0), noAnswerMs: arg('--no-answer-ms', 30000),
    windowMs: arg('--window-ms', 30000), permissions: { u9: { video: false } } });
  console.log(`fake API server at ${s.url}`);
}
