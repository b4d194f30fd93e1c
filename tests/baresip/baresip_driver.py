#!/usr/bin/env python3
"""Helper for tests/baresip/call-test.sh (python3 standard library only).

Sub-commands:
  freeports N            print N distinct free 127.0.0.1 ports (free for UDP and TCP)
  drive ...              drive two baresip instances through their ctrl_tcp sockets
                         (wait for registration, dial, hold the call, hang up, quit);
                         with --alice-ctrl 0 only bob runs and waits for a call from
                         another kind of UA (call-test.sh --no-caller)
  analyze ...            measure the WAV files recorded by the sndfile module
  siptrace LOG           summarise the SIP trace (-s) of a baresip log (REGISTER/401/200)

Every wait is bounded; nothing here sleeps for synchronisation except the
requested call duration.
"""
import argparse
import glob
import json
import math
import os
import queue
import re
import socket
import sys
import threading
import time
import wave
from array import array


def log(msg):
    print("[driver %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# --------------------------------------------------------------------------
# free ports
# --------------------------------------------------------------------------

def free_ports(n):
    ports, socks = [], []
    try:
        while len(ports) < n:
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                u.bind(("127.0.0.1", port))
            except OSError:
                t.close()
                u.close()
                continue
            socks += [t, u]
            ports.append(port)
    finally:
        for s in socks:
            s.close()
    return ports


# --------------------------------------------------------------------------
# ctrl_tcp client (netstring framed JSON)
# --------------------------------------------------------------------------

class Ctrl:
    def __init__(self, name, port, pid, events_file):
        self.name = name
        self.port = port
        self.pid = pid
        self.sock = None
        self.events = queue.Queue()      # event dicts
        self.responses = queue.Queue()   # response dicts
        self.all_events = []
        self.closed = False
        self.events_file = open(events_file, "a", encoding="utf-8")
        self.token = 0
        self.lock = threading.Lock()

    def alive(self):
        if not self.pid:
            return True
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        # a zombie is not alive either
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                return f.read().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False

    def connect(self, deadline):
        last = None
        while time.time() < deadline:
            if not self.alive():
                raise RuntimeError("%s: baresip process %s exited before ctrl_tcp "
                                   "was reachable" % (self.name, self.pid))
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=1)
                s.settimeout(None)
                self.sock = s
                threading.Thread(target=self._reader, daemon=True).start()
                return
            except OSError as e:
                last = e
                time.sleep(0.05)
        raise RuntimeError("%s: could not connect to ctrl_tcp 127.0.0.1:%d (%s)"
                           % (self.name, self.port, last))

    def _reader(self):
        buf = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                buf += data
                while True:
                    colon = buf.find(b":")
                    if colon < 0:
                        break
                    try:
                        length = int(buf[:colon])
                    except ValueError:
                        self._record({"driver_error": "bad netstring: %r" % buf[:40]})
                        buf = b""
                        break
                    if len(buf) < colon + 1 + length + 1:
                        break
                    payload = buf[colon + 1:colon + 1 + length]
                    buf = buf[colon + 1 + length + 1:]
                    try:
                        msg = json.loads(payload.decode("utf-8", "replace"))
                    except ValueError:
                        msg = {"driver_error": "bad json", "raw": payload.decode("utf-8", "replace")}
                    self._record(msg)
        except OSError:
            pass
        self.closed = True
        self.events.put({"event": True, "type": "_CTRL_CLOSED"})

    def _record(self, msg):
        msg = dict(msg)
        msg["_t"] = round(time.time(), 3)
        self.events_file.write(json.dumps(msg) + "\n")
        self.events_file.flush()
        if msg.get("response"):
            self.responses.put(msg)
        else:
            self.all_events.append(msg)
            self.events.put(msg)

    def command(self, cmd, params=None, timeout=5.0):
        with self.lock:
            self.token += 1
            tok = "%s-%d" % (self.name, self.token)
            d = {"command": cmd, "token": tok}
            if params is not None:
                d["params"] = params
            b = json.dumps(d).encode()
            self.sock.sendall(str(len(b)).encode() + b":" + b + b",")
            deadline = time.time() + timeout
            while time.time() < deadline:
                try:
                    r = self.responses.get(timeout=max(0.01, deadline - time.time()))
                except queue.Empty:
                    break
                if r.get("token") == tok:
                    return r
            raise RuntimeError("%s: no response to command %r within %.1fs"
                               % (self.name, cmd, timeout))

    def seen(self, etype):
        return [e for e in self.all_events if e.get("type") == etype]


def wait_event(ctrls, want, timeout, fail_types=()):
    """Wait until every ctrl in `ctrls` has produced an event of type `want`.

    Returns (ok, reason)."""
    deadline = time.time() + timeout
    pending = {c.name: c for c in ctrls if not c.seen(want)}
    while pending:
        for c in list(pending.values()):
            for ft in fail_types:
                bad = c.seen(ft)
                if bad:
                    return False, "%s: got %s (%s) while waiting for %s" % (
                        c.name, ft, bad[-1].get("param", ""), want)
            if c.seen(want):
                del pending[c.name]
                continue
            if not c.alive():
                return False, "%s: baresip exited while waiting for %s" % (c.name, want)
            if c.closed:
                return False, "%s: ctrl_tcp connection closed while waiting for %s" % (c.name, want)
        if not pending:
            break
        if time.time() > deadline:
            return False, "timeout (%.0fs) waiting for %s on %s" % (
                timeout, want, ",".join(sorted(pending)))
        time.sleep(0.05)
    return True, ""


def strip_ansi(s):
    return re.sub(r"\x1b\[[0-9;]*m", "", s or "")


def cmd_drive(a):
    result = {
        "registered": {}, "established": {}, "closed": {}, "error": None,
        "call_seconds": None, "hangup_by": None,
    }
    alice = Ctrl("alice", a.alice_ctrl, a.alice_pid, os.path.join(a.outdir, "alice.events.jsonl"))
    bob = Ctrl("bob", a.bob_ctrl, a.bob_pid, os.path.join(a.outdir, "bob.events.jsonl"))
    # --bob-ctrl 0: no callee baresip (call-test.sh --no-callee: alice calls another kind of UA)
    # --alice-ctrl 0: no caller baresip (call-test.sh --no-caller: another UA calls bob)
    both = [c for c, port in ((alice, a.alice_ctrl), (bob, a.bob_ctrl)) if port]
    callee_only = not a.alice_ctrl
    if not both:
        raise SystemExit("drive: give --alice-ctrl and/or --bob-ctrl")
    if not callee_only and not a.dial:
        raise SystemExit("drive: --dial is needed when alice (--alice-ctrl) runs")
    if callee_only and not a.register:
        raise SystemExit("drive: --alice-ctrl 0 (callee only) needs --register")

    def reg_reason(c):
        """baresip's own 'reg: <aor>: <reason>' log line, e.g. 'Register: Function not
        implemented' (= a non-MD5 digest challenge) or '401 Unauthorized (server)'."""
        try:
            with open(os.path.join(a.outdir, c.name + ".log"), errors="replace") as f:
                lines = [strip_ansi(x).strip() for x in f if x.startswith("reg: ") or "reg: " in x[:12]]
            return (" [" + lines[-1] + "]") if lines else ""
        except OSError:
            return ""

    def finish(err=None):
        if err:
            result["error"] = err
            log("ERROR: " + err)
        for c in both:
            result.setdefault("events", {})[c.name] = [e.get("type") for e in c.all_events]
        with open(a.result, "w") as f:
            json.dump(result, f, indent=1)
        return 0 if not err else 1

    try:
        deadline = time.time() + a.start_timeout
        for c in both:
            c.connect(deadline)
        log("connected to ctrl_tcp of %s" % ", ".join("%s (:%d)" % (c.name, c.port) for c in both))

        # ---------------------------------------------------------- register
        if a.register:
            deadline = time.time() + a.reg_timeout
            pending = {c.name: c for c in both}
            while pending:
                for c in list(pending.values()):
                    fails = c.seen("REGISTER_FAIL")
                    if fails:
                        return finish("%s: REGISTER_FAIL: %s%s" % (c.name, fails[-1].get("param"),
                                                                    reg_reason(c)))
                    if c.seen("REGISTER_OK"):
                        del pending[c.name]
                        continue
                    r = c.command("reginfo")
                    info = strip_ansi(r.get("data", ""))
                    # 1.0.0 prints " OK  <server> Expires <n>s" per registered UA
                    if re.search(r"\bOK\b", info):
                        del pending[c.name]
                    elif re.search(r"\bERR\b", info):
                        return finish("%s: registration failed: %s%s" % (
                            c.name, " ".join(info.split()), reg_reason(c)))
                    if not c.alive():
                        return finish("%s: baresip exited while registering" % c.name)
                if not pending:
                    break
                if time.time() > deadline:
                    return finish("timeout (%.0fs) waiting for registration of %s%s"
                                  % (a.reg_timeout, ",".join(sorted(pending)),
                                     "".join(reg_reason(c) for c in pending.values())))
                time.sleep(0.2)
            for c in both:
                result["registered"][c.name] = True
            log("both registered" if len(both) > 1 else "%s registered" % both[0].name)
            if a.ready_file:
                with open(a.ready_file + ".tmp", "w") as f:
                    f.write("registered %s\n" % " ".join(c.name for c in both))
                os.replace(a.ready_file + ".tmp", a.ready_file)
            if callee_only:
                # the line a test waits for before the far end calls (call-test.sh --no-caller)
                print("READY registered", flush=True)

        if callee_only:
            # ------------------------------------------- wait for an incoming call
            log("bob waits up to %.0fs for an incoming call" % a.call_timeout)
            ok, why = wait_event(both, "CALL_ESTABLISHED", a.call_timeout, ("CALL_CLOSED",))
            result["established"]["bob"] = bool(bob.seen("CALL_ESTABLISHED"))
            if not ok:
                return finish("no incoming call established: " + why)
            est = bob.seen("CALL_ESTABLISHED")[-1]
            log("bob: call established with %s" % est.get("peeruri", est.get("param", "?")))
        else:
            # ---------------------------------------------------------- dial
            log("alice dials %s" % a.dial)
            r = alice.command("dial", a.dial)
            if not r.get("ok"):
                return finish("alice: dial command failed: %s" % r.get("data"))
            ok, why = wait_event(both, "CALL_ESTABLISHED", a.call_timeout, ("CALL_CLOSED",))
            for c in both:
                result["established"][c.name] = bool(c.seen("CALL_ESTABLISHED"))
            if not ok:
                return finish("call not established: " + why)
            log("call established on both sides")
        t_est = time.time()
        for c in both:
            # menu's per-call status line ("[0:00:01] audio=...") only clutters the log;
            # 'statmode' (like 'mute') only exists while a call is active
            c.command("statmode")

        if a.mute:
            m = alice if a.mute == "alice" else bob
            r = m.command("mute")
            log("%s muted (negative self-test): %s" % (m.name, strip_ansi(r.get("data", "")).strip()))

        # ------------------------------------------------------ hold the call
        end = t_est + a.seconds
        while time.time() < end:
            if callee_only and bob.seen("CALL_CLOSED"):
                # the far end (the caller) hung up: that is how this mode normally ends
                result["hangup_by"] = "remote"
                break
            for c in both:
                if c.seen("CALL_CLOSED"):
                    return finish("%s: call closed prematurely after %.1fs: %s" % (
                        c.name, time.time() - t_est, c.seen("CALL_CLOSED")[-1].get("param")))
                if not c.alive():
                    return finish("%s: baresip exited during the call" % c.name)
            time.sleep(min(0.1, max(0.0, end - time.time())))
        result["call_seconds"] = round(time.time() - t_est, 2)

        # ------------------------------------------------------------ hangup
        if result["hangup_by"] == "remote":
            log("the far end hung up after %.1fs" % result["call_seconds"])
            ok, why = True, ""
        else:
            hanger = bob if callee_only else alice
            log("%s hangs up after %.1fs" % (hanger.name, result["call_seconds"]))
            result["hangup_by"] = hanger.name
            hanger.command("hangup")
            ok, why = wait_event(both, "CALL_CLOSED", a.hangup_timeout)
        for c in both:
            closed = c.seen("CALL_CLOSED")
            result["closed"][c.name] = bool(closed)
            if closed:
                log("%s: CALL_CLOSED (%s)" % (c.name, closed[-1].get("param", "")))
        if not ok:
            return finish("call not closed: " + why)
        return finish()
    except Exception as e:  # noqa: BLE001 - report anything as a failure
        return finish("%s: %s" % (type(e).__name__, e))
    finally:
        # ask both to quit; the shell script kills whatever is left
        for c in both:
            if c.sock and not c.closed:
                try:
                    b = json.dumps({"command": "quit", "token": "quit"}).encode()
                    c.sock.sendall(str(len(b)).encode() + b":" + b + b",")
                except OSError:
                    pass


# --------------------------------------------------------------------------
# WAV analysis
# --------------------------------------------------------------------------

def analyze_wav(path, frame_ms=20, active_rms=500.0):
    with wave.open(path, "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        raw = w.readframes(n)
    if not raw and os.path.getsize(path) > 44:
        # header never finalised (baresip killed before the stream was closed):
        # take everything after the canonical 44-byte header
        with open(path, "rb") as f:
            raw = f.read()[44:]
    if width != 2:
        raise ValueError("%s: only 16-bit PCM supported (width=%d)" % (path, width))
    samples = array("h")
    samples.frombytes(raw[: len(raw) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    mono = samples[0::ch] if ch > 1 else samples      # first channel only
    nframe = max(1, rate * frame_ms // 1000)
    total_sq = 0.0
    active_frames = 0
    crossings = 0
    active_samples = 0
    peak = 0
    for i in range(0, len(mono) - nframe + 1, nframe):
        fr = mono[i:i + nframe]
        sq = sum(x * x for x in fr)
        total_sq += sq
        pk = max(abs(min(fr)), abs(max(fr)))
        peak = max(peak, pk)
        if math.sqrt(sq / nframe) >= active_rms:
            active_frames += 1
            active_samples += nframe
            prev = fr[0]
            for x in fr[1:]:
                if (prev < 0) != (x < 0):
                    crossings += 1
                prev = x
    nsamp = len(mono)
    rms = math.sqrt(total_sq / nsamp) if nsamp else 0.0
    freq = (crossings / 2.0) / (active_samples / float(rate)) if active_samples else 0.0
    return {
        "file": os.path.basename(path), "rate": rate, "channels": ch,
        "seconds": round(nsamp / float(rate), 2) if rate else 0,
        "rms": round(rms, 1), "peak": peak,
        "active_seconds": round(active_frames * frame_ms / 1000.0, 2),
        "freq_hz": round(freq, 1),
    }


def cmd_analyze(a):
    files = sorted(glob.glob(os.path.join(a.dir, "dump-*-%s.wav" % a.kind)))
    if not files:
        print("%s: FAIL no %s recording in %s" % (a.label, a.kind, a.dir))
        return 1
    stats = [analyze_wav(f, active_rms=a.active_rms) for f in files]
    # several files appear only if the stream was re-created (e.g. re-INVITE)
    active = sum(s["active_seconds"] for s in stats)
    best = max(stats, key=lambda s: s["active_seconds"])
    problems = []
    if best["rms"] < a.min_rms:
        problems.append("rms %.1f < %.1f" % (best["rms"], a.min_rms))
    if active < a.min_active:
        problems.append("active audio %.2fs < %.2fs" % (active, a.min_active))
    if a.expect_freq and best["active_seconds"] > 0:
        lo, hi = a.expect_freq * (1 - a.freq_tol), a.expect_freq * (1 + a.freq_tol)
        if not lo <= best["freq_hz"] <= hi:
            problems.append("tone %.1f Hz outside [%.0f, %.0f] (expected the peer's %d Hz)"
                            % (best["freq_hz"], lo, hi, a.expect_freq))
    verdict = "OK  " if not problems else "FAIL"
    print("%s: %s received audio: %s %dHz/%dch %.2fs rms=%.1f peak=%d active=%.2fs tone=%.1fHz%s%s"
          % (a.label, verdict, best["file"], best["rate"], best["channels"], best["seconds"],
             best["rms"], best["peak"], active, best["freq_hz"],
             "" if len(files) == 1 else " (%d files)" % len(files),
             "" if not problems else " -> " + "; ".join(problems)))
    return 0 if not problems else 1


# --------------------------------------------------------------------------
# SIP trace summary (baresip -s)
# --------------------------------------------------------------------------

def sip_messages(path):
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        text = strip_ansi(f.read())
    # each traced message: "#\n<TRANSP> src -> dst\n<start line>\n<headers>\n\n<body>"
    for m in re.finditer(r"(?m)^#\n(UDP|TCP|TLS) (\S+) -> (\S+)\n(.*?)(?=\n\n)", text, re.S):
        yield m.group(1), m.group(2), m.group(3), m.group(4)


def cmd_siptrace(a):
    reg = r401 = r200 = 0
    first_register = None
    for transp, src, dst, msg in sip_messages(a.log):
        start = msg.split("\n", 1)[0]
        cseq = re.search(r"(?mi)^CSeq:\s*\d+\s+(\S+)", msg)
        method = cseq.group(1).upper() if cseq else ""
        if start.startswith("REGISTER "):
            reg += 1
            if first_register is None:
                first_register = "%s %s -> %s\n%s" % (transp, src, dst, msg)
        elif start.startswith("SIP/2.0 401") and method == "REGISTER":
            r401 += 1
        elif start.startswith("SIP/2.0 200") and method == "REGISTER":
            r200 += 1
    print("%s: REGISTER sent=%d, 401 received=%d, 200 received=%d" % (a.label, reg, r401, r200))
    if a.show_register and first_register:
        print("  first REGISTER sent by %s:" % a.label)
        for line in first_register.splitlines():
            print("    " + line)
    return 0 if r200 > 0 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    f = sub.add_parser("freeports")
    f.add_argument("n", type=int)

    d = sub.add_parser("drive")
    d.add_argument("--alice-ctrl", type=int, required=True, help="0: no caller baresip")
    d.add_argument("--bob-ctrl", type=int, required=True, help="0: no callee baresip")
    d.add_argument("--alice-pid", type=int, default=0)
    d.add_argument("--bob-pid", type=int, default=0)
    d.add_argument("--dial", default="", help="what alice dials (not used with --alice-ctrl 0)")
    d.add_argument("--seconds", type=float, default=5,
                   help="call length; with --alice-ctrl 0 the longest bob keeps the call "
                        "before hanging up himself (the far end usually hangs up first)")
    d.add_argument("--ready-file", default=None,
                   help="written (atomically) once every UA is registered")
    d.add_argument("--register", action="store_true")
    d.add_argument("--mute", choices=["alice", "bob"], default=None)
    d.add_argument("--start-timeout", type=float, default=10)
    d.add_argument("--reg-timeout", type=float, default=15)
    d.add_argument("--call-timeout", type=float, default=15)
    d.add_argument("--hangup-timeout", type=float, default=10)
    d.add_argument("--outdir", required=True)
    d.add_argument("--result", required=True)

    an = sub.add_parser("analyze")
    an.add_argument("--dir", required=True)
    an.add_argument("--kind", default="dec", choices=["dec", "enc"])
    an.add_argument("--label", required=True)
    an.add_argument("--min-rms", type=float, default=1000.0)
    an.add_argument("--active-rms", type=float, default=500.0)
    an.add_argument("--min-active", type=float, default=1.0)
    an.add_argument("--expect-freq", type=int, default=0)
    an.add_argument("--freq-tol", type=float, default=0.15)

    s = sub.add_parser("siptrace")
    s.add_argument("log")
    s.add_argument("--label", default="baresip")
    s.add_argument("--show-register", action="store_true")

    a = p.parse_args()
    if a.cmd == "freeports":
        print(" ".join(str(x) for x in free_ports(a.n)))
        return 0
    if a.cmd == "drive":
        return cmd_drive(a)
    if a.cmd == "analyze":
        return cmd_analyze(a)
    if a.cmd == "siptrace":
        return cmd_siptrace(a)
    return 2


if __name__ == "__main__":
    sys.exit(main())
