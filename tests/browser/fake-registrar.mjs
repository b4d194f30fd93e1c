// A minimal SIP-over-WebSocket registrar (RFC 6455 + RFC 7118) for the driver's `selftest-ws`
// scenario only: it answers REGISTER with a digest challenge (MD5, qop=auth), then 200 once
// the credentials check out. No server needed to prove the page's JsSIP registers over ws.
import http from 'node:http';
import crypto from 'node:crypto';

const md5 = (s) => crypto.createHash('md5').update(s).digest('hex');

function frame(text) {
  const payload = Buffer.from(text);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, len])
    : Buffer.from([0x81, 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, payload]);
}

/** Yields complete client frames (masked) from a byte buffer; returns the rest. */
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
    onFrame(op, data.toString());
    buf = buf.subarray(total);
  }
}

const header = (msg, name) => {
  const m = msg.match(new RegExp(`^${name}:\\s*(.*)$`, 'im'));
  return m ? m[1].trim() : null;
};

/** Starts the registrar on 127.0.0.1 (free port); `users` maps user -> password. */
export function startFakeRegistrar(users, realm = 'localhost') {
  const seen = { subprotocol: null, registered: [], challenges: 0, bad: [] };
  const server = http.createServer((_, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket) => {
    seen.subprotocol = req.headers['sec-websocket-protocol'] || null;
    const accept = crypto.createHash('sha1')
      .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
      .digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'
      + `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n`
      + (seen.subprotocol ? 'Sec-WebSocket-Protocol: sip\r\n' : '') + '\r\n');
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = parseFrames(Buffer.concat([buf, d]), (op, text) => {
        if (op === 8) { socket.end(); return; }
        if (op !== 1 || !text.startsWith('REGISTER ')) return;
        const reply = (status, extra = '') => {
          const lines = ['Via', 'From', 'Call-ID', 'CSeq'].map((h) => `${h}: ${header(text, h)}`);
          const to = header(text, 'To');
          socket.write(frame(`SIP/2.0 ${status}\r\n${lines.join('\r\n')}\r\n`
            + `To: ${to}${/tag=/.test(to) ? '' : ';tag=fake'}\r\n${extra}Content-Length: 0\r\n\r\n`));
        };
        const auth = header(text, 'Authorization');
        if (!auth) {
          seen.challenges += 1;
          reply('401 Unauthorized', `WWW-Authenticate: Digest realm="${realm}", `
            + `nonce="${crypto.randomBytes(8).toString('hex')}", qop="auth", algorithm=MD5\r\n`);
          return;
        }
        const p = Object.fromEntries([...auth.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
        const ha1 = md5(`${p.username}:${realm}:${users[p.username]}`);
        const ha2 = md5(`REGISTER:${p.uri}`);
        const ok = users[p.username] !== undefined
          && p.response === md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
        if (!ok) { seen.bad.push(p.username); reply('403 Forbidden'); return; }
        seen.registered.push({ user: p.username, contact: header(text, 'Contact') });
        reply('200 OK', `Contact: ${header(text, 'Contact')};expires=600\r\n`);
      });
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `ws://127.0.0.1:${server.address().port}`, seen,
    close: () => { server.close(); server.closeAllConnections?.(); },
  })));
}
