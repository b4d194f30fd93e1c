#!/usr/bin/env bash
# selftest/run.sh - checks every scenario of sipp-scenarios/ WITHOUT the real server:
# each UAC scenario is run against a fake server written in SIPp (selftest/*.xml)
# that challenges like the real one, each UAS scenario against a plain SIPp caller,
# plus negative cases (a scenario must FAIL when the flow is wrong).
#
# usage:  sipp-scenarios/selftest/run.sh            (about 40 s, UDP on 127.0.0.1)
#   env:  SELFTEST_PORT_A  port of the waiting side (fake server / UAS)   default: a free
#         SELFTEST_PORT_B  port of the calling side                        random port
#         SELFTEST_PORT_C  extra caller port (register-then-serve case)    (20000-39999)
#         KEEP=1 keeps the work directory (message logs) even when everything passed
# exit 0 iff every case gave the expected exit codes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SC=$(dirname "$HERE")
KEEP=${KEEP:-0}
command -v sipp >/dev/null || { echo "sipp not found (Debian package sip-tester)"; exit 2; }
command -v ss >/dev/null || { echo "ss not found (package iproute2)"; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found"; exit 2; }

free_port() { # a UDP port nobody listens on, not in the list given as arguments
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 20000))
        [[ " $* " == *" $p "* ]] && continue
        [[ -z "$(ss -Hlun "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return 0; }
    done
    echo "no free UDP port" >&2
    exit 2
}
A=${SELFTEST_PORT_A:-$(free_port)}
B=${SELFTEST_PORT_B:-$(free_port "$A")}
C=${SELFTEST_PORT_C:-$(free_port "$A" "$B")}
echo "ports: waiting side $A, calling side $B, extra caller $C"

WORK=$(mktemp -d /tmp/sipp-selftest.XXXXXX)
PIDS=()
FAILED=0
PASSED=0
cleanup() {
    local p
    for p in "${PIDS[@]:-}"; do
        if [[ -n "$p" ]]; then kill "$p" 2>/dev/null || true; fi
    done
    if [[ $FAILED -eq 0 && $KEEP != 1 ]]; then rm -rf "$WORK"; else echo "logs kept in $WORK"; fi
}
trap cleanup EXIT
cd "$WORK"

wait_udp_port() { # PORT: wait until something listens on 127.0.0.1:PORT/udp
    for _ in $(seq 1 50); do
        ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

check() { # NAME WANT GOT   (WANT: exit code, "any", or "fail" = anything but 0)
    if [[ "$2" == any || "$2" == "$3" ]]; then return 0; fi
    if [[ "$2" == fail && "$3" != 0 ]]; then return 0; fi
    echo "    $1: expected exit $2, got $3"
    return 1
}

# run_pair NAME WANT_UAC WANT_UAS "UAS args" "UAC args"
#   WANT_*: an exit code, "any", or "fail" (non-zero: failed call 1, or -timeout_error 255). The UAS listens on A, the UAC sends from B to A.
run_pair() {
    local name=$1 want_uac=$2 want_uas=$3 uas_args=$4 uac_args=$5
    local uac_rc=0 uas_rc=0 upid ok=1
    # shellcheck disable=SC2086
    sipp $uas_args -i 127.0.0.1 -ci 127.0.0.1 -p "$A" -nostdin -timeout 20s -timeout_error \
        -trace_msg -message_file "$name.uas.msg" -trace_err -error_file "$name.uas.err" \
        >"$name.uas.out" 2>&1 &
    upid=$!
    PIDS+=("$upid")
    if ! wait_udp_port "$A"; then
        echo "FAIL $name (the UAS did not start, see $WORK/$name.uas.out)"
        FAILED=$((FAILED + 1)); kill "$upid" 2>/dev/null || true; wait "$upid" 2>/dev/null || true
        return 0
    fi
    # shellcheck disable=SC2086
    sipp $uac_args -i 127.0.0.1 -ci 127.0.0.1 -p "$B" -nostdin -timeout 15s -timeout_error \
        -trace_msg -message_file "$name.uac.msg" -trace_err -error_file "$name.uac.err" \
        "127.0.0.1:$A" >"$name.uac.out" 2>&1 || uac_rc=$?
    # the UAS should be done by now; negative cases may leave it waiting: 3 s grace
    for _ in $(seq 1 30); do kill -0 "$upid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$upid" 2>/dev/null; then
        kill "$upid" 2>/dev/null || true; wait "$upid" 2>/dev/null || true; uas_rc=killed
    else
        wait "$upid" || uas_rc=$?
    fi
    check "$name UAC" "$want_uac" "$uac_rc" || ok=0
    check "$name UAS" "$want_uas" "$uas_rc" || ok=0
    if [[ $ok == 1 ]]; then
        echo "ok   $name (uac=$uac_rc uas=$uas_rc)"; PASSED=$((PASSED + 1))
    else
        echo "FAIL $name (logs: $WORK/$name.*)"; FAILED=$((FAILED + 1))
    fi
}

expect_in_log() { # NAME FILE REGEX
    if grep -aqE "$3" "$2"; then echo "ok   $1"; PASSED=$((PASSED + 1));
    else echo "FAIL $1 (no /$3/ in $2)"; FAILED=$((FAILED + 1)); fi
}

digest_ok() { # NAME LOG PASSWORD
    if python3 "$HERE/check_digest.py" "$2" "$3" >"$1.digest" 2>&1; then
        echo "ok   $1 ($(tr '\n' ' ' <"$1.digest"))"; PASSED=$((PASSED + 1))
    else
        echo "FAIL $1 ($(tr '\n' ' ' <"$1.digest"))"; FAILED=$((FAILED + 1))
    fi
}

REG="-sf $HERE/registrar.xml -key user bob -key pass bob123 -m 1"
MD5_FIRST="-key first MD5 -key second SHA-256"
SHA_FIRST="-key first SHA-256 -key second MD5"
CALLER="-key caller alice -au alice -ap alice123"

echo "== registration (fake registrar: 401 with MD5 + SHA-256 challenges, verifyauth)"
run_pair register 0 0 "$REG $MD5_FIRST" "-sf $SC/register.xml -s bob -ap bob123 -m 1"
digest_ok register-digest register.uac.msg bob123
expect_in_log register-contact register.uac.msg "Contact: <sip:bob@127\.0\.0\.1:$B;transport=UDP>"
run_pair register_expires 0 0 "$REG $MD5_FIRST" "-sf $SC/register_expires.xml -s bob -ap bob123 -key expires 120 -m 1"
expect_in_log register_expires-header register_expires.uac.msg "^Expires: 120"
run_pair unregister 0 0 "$REG $MD5_FIRST" "-sf $SC/unregister.xml -s bob -ap bob123 -m 1"
expect_in_log unregister-header unregister.uac.msg "^Expires: 0"
run_pair unregister_all 0 0 "$REG $MD5_FIRST" "-sf $SC/unregister_all.xml -s bob -ap bob123 -m 1"
expect_in_log unregister_all-header unregister_all.uac.msg "^Contact: \*"
run_pair register_wrong_password 0 0 "$REG $MD5_FIRST" "-sf $SC/register_wrong_password.xml -s bob -ap nope -m 1"
printf 'SEQUENTIAL\nbob;bob123;[authentication username=bob password=bob123]\n' >users.csv
run_pair register_bench 0 0 "$REG $MD5_FIRST" "-sf $SC/register_bench.xml -inf users.csv -m 1"
echo "== registration, negative cases (the UAC must fail)"
run_pair neg-register-bad-password 1 any "$REG $MD5_FIRST" "-sf $SC/register.xml -s bob -ap nope -m 1"
run_pair neg-register_wrong_password-gets-200 1 any "$REG $MD5_FIRST" "-sf $SC/register_wrong_password.xml -s bob -ap bob123 -m 1"
echo "== SIPp limitation: SHA-256 challenge first = SIPp aborts (exit 255, 'authentication must use MD5')"
run_pair limitation-sha256-first 255 any "$REG $SHA_FIRST" "-sf $SC/register.xml -s bob -ap bob123 -m 1"

echo "== calls as caller (fake server: 100, 407 MD5+SHA-256, then plays the callee)"
run_pair uac_call 0 0 "-sf $HERE/proxy_answer.xml -m 1" "-sf $SC/uac_call.xml -s bob $CALLER -d 200 -m 1"
digest_ok uac_call-digest uac_call.uac.msg alice123
run_pair uac_call_remote_bye 0 0 "-sf $HERE/proxy_remote_bye.xml -m 1" "-sf $SC/uac_call_remote_bye.xml -s bob $CALLER -m 1"
run_pair uac_cancel-200-then-487 0 0 "-sf $HERE/proxy_cancel_200_first.xml -m 1" "-sf $SC/uac_cancel.xml -s bob $CALLER -m 1"
run_pair uac_cancel-487-then-200 0 0 "-sf $HERE/proxy_cancel_487_first.xml -m 1" "-sf $SC/uac_cancel.xml -s bob $CALLER -m 1"
run_pair uac_expect_status-486 0 0 "-sf $HERE/proxy_reject_486.xml -m 1" "-sf $SC/uac_expect_status.xml -s bob $CALLER -key expected 486 -m 1"
run_pair uac_unauthenticated 0 0 "-sf $HERE/proxy_407_only.xml -m 1" "-sf $SC/uac_unauthenticated.xml -s bob -key caller alice -m 1"
echo "== calls as caller, negative cases"
run_pair neg-uac_expect_status-wrong-code 1 0 "-sf $HERE/proxy_reject_486.xml -m 1" "-sf $SC/uac_expect_status.xml -s bob $CALLER -key expected 603 -m 1"
run_pair neg-uac_unauthenticated-answered 1 any "-sf $SC/uas_answer.xml -m 1" "-sf $SC/uac_unauthenticated.xml -s bob -key caller alice -m 1"
run_pair neg-uac_call-busy 1 any "-sf $HERE/proxy_reject_486.xml -m 1" "-sf $SC/uac_call.xml -s bob $CALLER -m 1"
run_pair neg-uac_cancel-answered fail any "-sf $HERE/proxy_answer.xml -m 1" "-sf $SC/uac_cancel.xml -s bob $CALLER -m 1"

echo "== callee scenarios (plain SIPp caller, no auth)"
run_pair uas_answer 0 0 "-sf $SC/uas_answer.xml -m 1" "-sf $SC/uac_trusted.xml -s bob -m 1"
run_pair uas_callee_bye 0 0 "-sf $SC/uas_callee_bye.xml -d 200 -m 1" "-sf $HERE/uac_plain_remote_bye.xml -s bob -m 1"
run_pair uas_cancelled 0 0 "-sf $SC/uas_cancelled.xml -m 1" "-sf $HERE/uac_plain_cancel.xml -s bob -m 1"
for code in 486 603 480; do
    run_pair "uas_reject_$code" 0 0 "-sf $SC/uas_reject_$code.xml -m 1" "-sf $HERE/uac_plain_reject.xml -s bob -key expected $code -m 1"
done
run_pair uas_bench 0 0 "-sf $SC/uas_bench.xml -m 1" "-sf $SC/uac_trusted.xml -s bob -m 1"
run_pair bench-200-calls 0 0 "-sf $SC/uas_bench.xml -m 200" "-sf $SC/uac_trusted.xml -s bob -r 100 -l 200 -m 200"
run_pair uac_trusted_hold 0 0 "-sf $SC/uas_bench.xml -m 20" "-sf $SC/uac_trusted_hold.xml -s bob -d 1000 -r 20 -l 20 -m 20"
echo "== callee scenarios, negative cases"
run_pair neg-uas_answer-no-sdp-answer-flow 1 any "-sf $SC/uas_reject_486.xml -m 1" "-sf $SC/uac_trusted.xml -s bob -m 1"
run_pair neg-uas_cancelled-gets-bye fail any "-sf $SC/uas_callee_bye.xml -m 1" "-sf $HERE/uac_plain_cancel.xml -s bob -m 1"

echo "== register with register.xml on port B, then serve calls on the same port B"
run_pair register-then-serve-1 0 0 "$REG $MD5_FIRST" "-sf $SC/register.xml -s bob -ap bob123 -m 1"
sipp -sf "$SC/uas_answer.xml" -i 127.0.0.1 -ci 127.0.0.1 -p "$B" -m 1 -nostdin -timeout 20s -timeout_error >serve.uas.out 2>&1 &
SERVE=$!
PIDS+=("$SERVE")
serve_rc=0 call_rc=0
if wait_udp_port "$B"; then
    sipp -sf "$SC/uac_trusted.xml" -s bob -i 127.0.0.1 -ci 127.0.0.1 -p "$C" -m 1 -nostdin -timeout 15s -timeout_error \
        "127.0.0.1:$B" >serve.uac.out 2>&1 || call_rc=$?
else
    call_rc=nostart
fi
wait "$SERVE" || serve_rc=$?
if [[ $call_rc == 0 && $serve_rc == 0 ]]; then echo "ok   register-then-serve-2"; PASSED=$((PASSED + 1));
else echo "FAIL register-then-serve-2 (uac=$call_rc uas=$serve_rc)"; FAILED=$((FAILED + 1)); fi

echo
echo "passed: $PASSED  failed: $FAILED"
[[ $FAILED -eq 0 ]]
