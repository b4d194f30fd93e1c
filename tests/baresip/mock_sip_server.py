#!/usr/bin/env python3
"""Minimal MOCK registrar + stateless proxy, ONLY to self-test call-test.sh's --server path
before the real server exists (python3 standard library only, 127.0.0.1 only).

  python3 mock_sip_server.py --port 5070 [--algorithms MD5|SHA-256,MD5|...] [--no-qop]
                             [--auth-invite] [--duration 60]

* REGISTER: answers 401 with one WWW-Authenticate header per --algorithms entry (in that order),
  checks the digest (MD5 / SHA-256, qop=auth or none), stores the Contact, answers 200 with
  Contact;expires=. Users: alice/alice123, bob/bob123 (--user NAME:PASS to add).
* INVITE/CANCEL/OPTIONS/MESSAGE to sip:USER@<any domain>: optional 407 challenge
  (--auth-invite), then forwarded statelessly to the registered Contact (own Via pushed,
  Route to itself removed, Record-Route added to INVITEs so ACK/BYE also pass here;
  in-dialog requests are forwarded to their Request-URI, reusing TCP connections).
* responses: own Via popped, sent back on the transport/connection the request came on.
It does not touch SDP (media flows UA to UA): it is not a B2BUA.
Every message is printed to stdout. Stops by itself after --duration seconds.
"""
import argparse
import hashlib
import os
import re
import selectors
import socket
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--realm", default="localhost")
ap.add_argument("--algorithms", default="MD5",
                help="comma list, order of the WWW-Authenticate headers, e.g. SHA-256,MD5")
ap.add_argument("--no-qop", action="store_true")
ap.add_argument("--auth-invite", action="store_true")
ap.add_argument("--user", action="append", default=[])
ap.add_argument("--duration", type=float, default=120)
ap.add_argument("--quiet", action="store_true")
A = ap.parse_args()

USERS = {"alice": "alice123", "bob": "bob123"}
for u in A.user:
    n, p = u.split(":", 1)
    USERS[n] = p
ALGS = [x.strip() for x in A.algorithms.split(",") if x.strip()]
HOST = "127.0.0.1"
bindings = {}       # user -> dict(contact=uri, transport=, addr=(h,p), conn=sock|None, expires=t)
branches = {}       # our branch -> (transport, addr, conn)
nonces = set()
challenged = set()   # incoming branches we answered ourselves (their ACK is absorbed)


def out(s):
    if not A.quiet:
        print(s, flush=True)


def hfn(alg):
    return {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[alg.upper()]


def H(alg, s):
    return hfn(alg)(s.encode()).hexdigest()


# --------------------------------------------------------------------------- parsing
class Msg:
    def __init__(self, raw):
        head, _, body = raw.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.start = lines[0]
        self.headers = []           # [name, value]
        for ln in lines[1:]:
            if ln[:1] in (" ", "\t") and self.headers:
                self.headers[-1][1] += " " + ln.strip()
            elif ":" in ln:
                n, v = ln.split(":", 1)
                self.headers.append([n.strip(), v.strip()])
        self.body = body
        self.is_resp = self.start.startswith("SIP/2.0")
        if self.is_resp:
            self.code = int(self.start.split()[1])
        else:
            self.method, self.ruri = self.start.split()[:2]

    def get(self, name, compact=None):
        for n, v in self.headers:
            if n.lower() == name.lower() or (compact and n.lower() == compact):
                return v
        return None

    def all(self, name, compact=None):
        return [v for n, v in self.headers if n.lower() == name.lower()
                or (compact and n.lower() == compact)]

    def remove(self, name, pred=lambda v: True):
        self.headers = [[n, v] for n, v in self.headers
                        if not (n.lower() == name.lower() and pred(v))]

    def text(self):
        h = [self.start] + ["%s: %s" % (n, v) for n, v in self.headers
                            if n.lower() not in ("content-length", "l")]
        h.append("Content-Length: %d" % len(self.body.encode()))
        return "\r\n".join(h) + "\r\n\r\n" + self.body


def parse_params(s):
    d = {}
    for m in re.finditer(r'(\w[\w-]*)\s*=\s*("([^"]*)"|[^,\s]+)', s):
        d[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    return d


def uri_hostport(uri):
    m = re.search(r"sips?:(?:[^@;>]+@)?([^;>:]+)(?::(\d+))?", uri)
    return m.group(1), int(m.group(2) or 5060)


def uri_user(uri):
    m = re.search(r"sips?:([^@;>]+)@", uri)
    return m.group(1) if m else None


# --------------------------------------------------------------------------- transport
sel = selectors.DefaultSelector()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
udp.bind((HOST, A.port))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((HOST, A.port))
tcp.listen(16)
sel.register(udp, selectors.EVENT_READ, "udp")
sel.register(tcp, selectors.EVENT_READ, "accept")
tcpbuf = {}


def peer(c):
    try:
        return c.getpeername()
    except OSError:
        return None


def send(transport, addr, conn, msg):
    data = msg.text() if isinstance(msg, Msg) else msg
    if addr and addr[0] not in ("127.0.0.1", "localhost"):
        out("!! refusing to send to non-loopback %s" % (addr,))
        return
    out(">>> %s to %s\n%s" % (transport.upper(), addr, data.rstrip()))
    if transport == "udp":
        udp.sendto(data.encode(), addr)
    else:
        if conn is None or conn.fileno() < 0:
            # connection reuse: baresip 1.0.0 puts the *local port of its TCP connection*
            # into Contact headers of responses, so first look for a connection from addr
            conn = next((c for c in tcpbuf if peer(c) == tuple(addr)), None)
        if conn is None:
            conn = socket.create_connection(addr, timeout=2)
            conn.setblocking(False)
            tcpbuf[conn] = b""
            sel.register(conn, selectors.EVENT_READ, "tcp")
        conn.sendall(data.encode())


def reply(req, code, reason, transport, addr, conn, extra=(), to_tag=True):
    r = Msg("SIP/2.0 %d %s\r\n\r\n" % (code, reason))
    for n in ("Via", "From", "To", "Call-ID", "CSeq"):
        for v in req.all(n, {"Via": "v", "From": "f", "To": "t", "Call-ID": "i"}.get(n)):
            if n == "Via" and len(r.all("Via")) == 0:
                # rport/received as a real server would do
                if ";rport" in v and ";rport=" not in v:
                    v = v.replace(";rport", ";rport=%d" % addr[1], 1)
                v += ";received=%s" % addr[0]
            if n == "To" and to_tag and ";tag=" not in v:
                v += ";tag=mock%s" % os.urandom(4).hex()
            r.headers.append([n, v])
    r.headers += [list(x) for x in extra]
    r.headers.append(["Server", "mock-sip-server"])
    send(transport, addr, conn, r)


def challenge(req, code, hdr, transport, addr, conn):
    extra = []
    nonce = os.urandom(12).hex()
    nonces.add(nonce)
    for alg in ALGS:
        v = 'Digest realm="%s", nonce="%s", algorithm=%s' % (A.realm, nonce, alg)
        if not A.no_qop:
            v += ', qop="auth"'
        extra.append((hdr, v))
    reply(req, code, "Unauthorized" if code == 401 else "Proxy Authentication Required",
          transport, addr, conn, extra)


def check_auth(req, hdr):
    for v in req.all(hdr):
        if not v.lower().startswith("digest"):
            continue
        p = parse_params(v[6:])
        user, alg = p.get("username"), p.get("algorithm", "MD5")
        if user not in USERS or p.get("nonce") not in nonces:
            return None, "unknown user/nonce"
        if alg.upper() not in ("MD5", "SHA-256"):
            return None, "algorithm %s" % alg
        ha1 = H(alg, "%s:%s:%s" % (user, p.get("realm"), USERS[user]))
        ha2 = H(alg, "%s:%s" % (req.method, p.get("uri")))
        if p.get("qop"):
            exp = H(alg, "%s:%s:%s:%s:%s:%s" % (ha1, p["nonce"], p.get("nc"), p.get("cnonce"),
                                                 p["qop"], ha2))
        else:
            exp = H(alg, "%s:%s:%s" % (ha1, p["nonce"], ha2))
        if exp == p.get("response"):
            out("*** digest OK user=%s algorithm=%s qop=%s nc=%s uri=%s"
                % (user, alg, p.get("qop"), p.get("nc"), p.get("uri")))
            return user, None
        return None, "bad response"
    return None, "no credentials"


def handle(raw, transport, addr, conn):
    try:
        m = Msg(raw)
    except Exception as e:  # noqa: BLE001
        out("!! unparsable message from %s: %s" % (addr, e))
        return
    out("<<< %s from %s\n%s" % (transport.upper(), addr, raw.rstrip()))
    if m.is_resp:
        vias = m.all("Via", "v")
        br = re.search(r"branch=([^;,\s]+)", vias[0]) if vias else None
        if not br or br.group(1) not in branches:
            out("!! response for unknown branch dropped")
            return
        t, a, c = branches[br.group(1)]
        # pop our (first) Via
        first = True
        nh = []
        for n, v in m.headers:
            if first and n.lower() in ("via", "v"):
                first = False
                continue
            nh.append([n, v])
        m.headers = nh
        send(t, a, c, m)
        return

    # loose routing: drop our own Route entry
    routes = m.all("Route")
    own_route = bool(routes) and (":%d" % A.port) in routes[0]
    if own_route:
        first = [True]

        def is_first_own(v):
            if first[0] and (":%d" % A.port) in v:
                first[0] = False
                return True
            return False
        m.remove("Route", is_first_own)
    inbr = re.search(r"branch=([^;,\s]+)", m.all("Via", "v")[0]).group(1)
    ourbr = "z9hG4bK" + hashlib.md5(("mock" + inbr).encode()).hexdigest()[:16]

    if m.method == "ACK" and inbr in challenged:
        return          # ACK for our own 401/407/404
    if m.method == "REGISTER":
        user, why = check_auth(m, "Authorization")
        if not user:
            out("*** REGISTER not authorised (%s) -> 401" % why)
            challenge(m, 401, "WWW-Authenticate", transport, addr, conn)
            return
        contact = m.get("Contact", "m")
        exp_hdr = m.get("Expires")
        cm = re.search(r"<([^>]+)>", contact or "")
        cexp = re.search(r";\s*expires=(\d+)", contact or "")
        expires = int(cexp.group(1) if cexp else (exp_hdr or 3600))
        if not cm or expires == 0:
            bindings.pop(user, None)
            reply(m, 200, "OK", transport, addr, conn)
            return
        bindings[user] = {"contact": cm.group(1), "transport": transport, "addr": addr,
                          "conn": conn, "expires": time.time() + expires}
        reply(m, 200, "OK", transport, addr, conn,
              [("Contact", "<%s>;expires=%d" % (cm.group(1), expires))])
        return

    in_dialog = ";tag=" in (m.get("To", "t") or "")
    if in_dialog:
        # ACK/BYE/re-INVITE of a dialog we record-routed: forward to the Request-URI
        target_uri = m.ruri
        conn_out = None
    elif m.method in ("INVITE", "OPTIONS", "MESSAGE", "CANCEL"):
        if m.method == "INVITE" and A.auth_invite:
            user, why = check_auth(m, "Proxy-Authorization")
            if not user:
                out("*** INVITE not authorised (%s) -> 407" % why)
                challenged.add(inbr)
                challenge(m, 407, "Proxy-Authenticate", transport, addr, conn)
                return
        b = bindings.get(uri_user(m.ruri))
        if not b or b["expires"] < time.time():
            challenged.add(inbr)
            reply(m, 404, "Not Found", transport, addr, conn)
            return
        target_uri = b["contact"]
        m.ruri = target_uri
        m.start = "%s %s SIP/2.0" % (m.method, m.ruri)
        conn_out = b["conn"] if b["transport"] == "tcp" else None
        if m.method == "INVITE":
            m.headers.insert(0, ["Record-Route", "<sip:%s:%d;transport=%s;lr>"
                                 % (HOST, A.port, transport)])
    else:
        reply(m, 405, "Method Not Allowed", transport, addr, conn)
        return
    nxt = m.all("Route")
    if nxt:
        target_uri = re.search(r"<([^>]+)>", nxt[0]).group(1)
    mf = m.get("Max-Forwards")
    m.remove("Max-Forwards")
    m.headers.insert(0, ["Max-Forwards", str(int(mf or 70) - 1)])
    branches[ourbr] = (transport, addr, conn)
    ctransp = "tcp" if "transport=tcp" in target_uri.lower() else "udp"
    m.headers.insert(0, ["Via", "SIP/2.0/%s %s:%d;branch=%s"
                         % (ctransp.upper(), HOST, A.port, ourbr)])
    send(ctransp, uri_hostport(target_uri), conn_out if ctransp == "tcp" else None, m)
    return


def tcp_frames(conn):
    buf = tcpbuf[conn]
    while True:
        buf = buf.lstrip(b"\r\n")
        i = buf.find(b"\r\n\r\n")
        if i < 0:
            break
        cl = re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)", buf[:i])
        n = int(cl.group(1)) if cl else 0
        if len(buf) < i + 4 + n:
            break
        yield buf[:i + 4 + n].decode("utf-8", "replace")
        buf = buf[i + 4 + n:]
    tcpbuf[conn] = buf


out("mock-sip-server on udp+tcp %s:%d realm=%s algorithms=%s qop=%s auth-invite=%s"
    % (HOST, A.port, A.realm, ",".join(ALGS), not A.no_qop, A.auth_invite))
end = time.time() + A.duration
while time.time() < end:
    for key, _ in sel.select(timeout=0.5):
        if key.data == "udp":
            data, addr = udp.recvfrom(65535)
            if data.strip():
                handle(data.decode("utf-8", "replace"), "udp", addr, None)
        elif key.data == "accept":
            c, addr = tcp.accept()
            c.setblocking(False)
            tcpbuf[c] = b""
            sel.register(c, selectors.EVENT_READ, "tcp")
        else:
            c = key.fileobj
            try:
                data = c.recv(65535)
            except OSError:
                data = b""
            if not data:
                sel.unregister(c)
                tcpbuf.pop(c, None)
                c.close()
                continue
            tcpbuf[c] += data
            for raw in list(tcp_frames(c)):
                handle(raw, "tcp", c.getpeername(), c)
out("mock-sip-server: duration over, exiting")
