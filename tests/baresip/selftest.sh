#!/usr/bin/env bash
# Self-test of call-test.sh without the real server: direct calls, negative cases that MUST
# fail (muted side, no common codec), and the --server path against mock_sip_server.py.
# Prints one line per case and "N passed, N failed"; exit 0 only if every case behaved as expected.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PASS=0 FAIL=0
MOCK_PID=""
# all work dirs (expected failures keep theirs) go under one dir, removed if every case is ok
export TMPDIR; TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/baresip-selftest.XXXXXX")
trap '[ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null; [ "$FAIL" = 0 ] && rm -rf "$TMPDIR"' EXIT

# case NAME EXPECT(pass|fail) [MOCK-ARGS --] CALL-TEST-ARGS...
case_() {
    local name=$1 expect=$2; shift 2
    local log out rc got
    log=$(mktemp "${TMPDIR:-/tmp}/baresip-selftest.XXXXXX")
    timeout 150 "$HERE/call-test.sh" "$@" >"$log" 2>&1
    rc=$?
    got=fail; [ $rc = 0 ] && got=pass
    out=$(grep -E "^FIRST FAILURE|^RESULT" "$log" | tr '\n' ' ')
    if [ "$got" = "$expect" ]; then
        PASS=$((PASS + 1)); echo "ok   $name (expected $expect, got $got) $out"
        rm -f "$log"
    else
        FAIL=$((FAIL + 1)); echo "FAIL $name (expected $expect, got $got, rc=$rc) $out -- log: $log"
    fi
}

# pair_case NAME EXPECT BOB-ARGS... : call-test.sh --no-caller (bob) and, once bob printed
# "READY registered", call-test.sh --no-callee (alice) dialling him; the case's result is bob's
# (the mode under test). Needs the mock (MOCK_PORT).
pair_case() {
    local name=$1 expect=$2; shift 2
    local log alog rc got out bpid
    log=$(mktemp "${TMPDIR:-/tmp}/baresip-selftest.XXXXXX"); alog="$log.alice"
    timeout 150 "$HERE/call-test.sh" --server "127.0.0.1:$MOCK_PORT" --no-caller "$@" >"$log" 2>&1 &
    bpid=$!
    for _ in $(seq 1 200); do  # bounded: 20 s
        grep -q "^READY registered" "$log" 2>/dev/null && break
        kill -0 "$bpid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q "^READY registered" "$log" && timeout 60 "$HERE/call-test.sh" --server "127.0.0.1:$MOCK_PORT" \
        --no-callee --dial sip:bob@localhost --seconds "$S" >"$alog" 2>&1
    wait "$bpid"; rc=$?
    got=fail; [ $rc = 0 ] && got=pass
    out=$(grep -E "^FIRST FAILURE|^RESULT" "$log" | tr '\n' ' ')
    if [ "$got" = "$expect" ]; then
        PASS=$((PASS + 1)); echo "ok   $name (expected $expect, got $got) $out"
        rm -f "$log" "$alog"
    else
        FAIL=$((FAIL + 1)); echo "FAIL $name (expected $expect, got $got, rc=$rc) $out -- log: $log"
    fi
}

start_mock() { # ARGS... ; sets MOCK_PORT, MOCK_PID
    MOCK_PORT=$(python3 "$HERE/baresip_driver.py" freeports 1)
    MOCK_LOG="${TMPDIR:-/tmp}/baresip-selftest-mock-$MOCK_PORT.log"
    timeout 170 python3 "$HERE/mock_sip_server.py" --port "$MOCK_PORT" --duration 160 "$@" \
        >"$MOCK_LOG" 2>&1 &
    MOCK_PID=$!
    for _ in $(seq 1 50); do  # until it listens (bounded: 5 s)
        python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$MOCK_PORT)))" && return 0
        sleep 0.1
    done
    echo "mock server did not start"; return 1
}
stop_mock() {
    kill "$MOCK_PID" 2>/dev/null; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""
    if [ "$FAIL" = 0 ]; then rm -f "$MOCK_LOG"; else echo "     mock server log: $MOCK_LOG"; fi
}

S=${SELFTEST_SECONDS:-3}
case_ direct-pcmu-udp        pass --direct --seconds "$S"
case_ direct-opus-tcp        pass --direct --seconds "$S" --transport tcp --caller-codec opus --callee-codec opus
case_ direct-mute-callee     fail --direct --seconds "$S" --mute callee
case_ direct-mute-caller     fail --direct --seconds "$S" --mute caller
case_ direct-codec-mismatch  fail --direct --seconds "$S" --caller-codec pcmu --callee-codec opus

start_mock && {
    case_ mock-udp-md5       pass --server "127.0.0.1:$MOCK_PORT" --seconds "$S"
    case_ mock-tcp-md5       pass --server "127.0.0.1:$MOCK_PORT" --seconds "$S" --transport tcp
    case_ mock-wrong-pass    fail --server "127.0.0.1:$MOCK_PORT" --seconds "$S" --caller alice:wrong
    # --no-caller: bob alone, called by another UA (here a --no-callee alice); alice hangs up
    pair_case mock-no-caller         pass --seconds 20
    # ... and bob must hear the caller's tone (alice sends 440, not 1000)
    pair_case mock-no-caller-tone    fail --seconds 20 --caller-tone 1000
    # nobody calls: bounded wait, then FAIL
    case_ mock-no-caller-no-call fail --server "127.0.0.1:$MOCK_PORT" --no-caller --call-timeout 2
    stop_mock
}
start_mock --auth-invite --no-qop && {
    case_ mock-407-noqop-opus pass --server "127.0.0.1:$MOCK_PORT" --seconds "$S" --caller-codec opus --callee-codec opus
    stop_mock
}
# baresip 1.0.0 (libre 1.1.0) aborts on ANY non-MD5 challenge, even if MD5 is offered too
start_mock --algorithms SHA-256,MD5 && {
    case_ mock-sha256-offered fail --server "127.0.0.1:$MOCK_PORT" --seconds "$S"
    stop_mock
}

[ "$FAIL" = 0 ] || echo "logs kept under $TMPDIR"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
