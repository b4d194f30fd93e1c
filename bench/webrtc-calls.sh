#!/usr/bin/env bash
# bench/webrtc-calls.sh - many browser-to-phone calls with audio, held at once.
#
#   BrowserLoad (synthetic browsers: SIP over WebSocket + digest, ICE with ice4j, DTLS-SRTP,
#   20 ms PCMU both ways) -> server -> SIPp uas_bench.xml registered as bob, -rtp_echo
#
# usage: bench/webrtc-calls.sh [CALLS, default 100] [HOLD s, default 40] [RAMP calls/s, default 20]
#   Sets up CALLS calls from users w1..wCALLS at RAMP/s; once all are up (media echoed back on
#   each) every call keeps sending 50 packets/s; packets are counted for HOLD s (by sequence
#   number: which of the packets sent in the window came back), then the calls stay up LINGER
#   (15) s more while the server's live heap is taken (a full GC, outside the counted window).
#   Prints calls set up/failed, packets sent/received per call (loss through server -> SIPp echo
#   -> server), INVITE-to-echo times, server CPU (process CPU time / wall time over the HOLD
#   window), machine CPU, the load client's own CPU, and live heap before and with the calls up.
#   Runs in its own loopback-only network namespace (unshare --net). Exit 0 if every call was
#   set up and heard its echo.
# env: as bench/lib.sh (BENCH_KEEP=1, ...); BENCH_NETNS=0 (no namespace); CLIENT_OPTS (JVM
#   options of the load client, default -Xmx1g).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CALLS=${1:-100}
HOLD=${2:-40}
RAMP=${3:-20}
for v in CALLS HOLD RAMP; do
    [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || die "$v must be a positive integer"
done
LINGER=15
if [[ "${BENCH_IN_NETNS:-0}" != 1 ]]; then
    build_if_needed
    enter_netns "$0" "$@"
fi

require_tools
make_workdir webrtc-calls
SIP_PORT=$(free_port)
UAS_PORT=$(free_port)
MEDIA_PORT=$(free_port)
WS_PORT=$(free_port)
ICE_PORT=$(free_port)
SIPP_TIMEOUT=$((CALLS / RAMP + HOLD + LINGER + 120))

{
    echo "sip.ws.port = $WS_PORT"
    echo "sip.wss.port = $(free_port)"
    echo "http.https-port = $(free_port)"
    echo "media.webrtc.ice-port = $ICE_PORT"
    echo "accounts.seed = ["
    echo "  { user = bob, password = bob123 }"
    for i in $(seq 1 "$CALLS"); do echo "  { user = w$i, password = \"pw-w$i\" }"; done
    echo "]"
} >"$WORK/accounts.conf"
write_server_conf "$SIP_PORT" "" "$WORK/accounts.conf"
start_server "$SIP_PORT"
JVM=$(jvm_pid) || die "server JVM not found"

register_user bob bob123 "$UAS_PORT" "$SIP_PORT"
start_uas uas_bench.xml "$UAS_PORT" "$SIPP_TIMEOUT" -rtp_echo -mp "$MEDIA_PORT"

live_before=$(live_heap_kib || echo 0)
log "load client: $CALLS synthetic browsers at $RAMP/s -> bob, hold ${HOLD}s (ws://127.0.0.1:$WS_PORT)"
CP="$ROOT/gateway/target/test-classes:$ROOT/gateway/target/classes:$ROOT/gateway/target/lib/*"
# shellcheck disable=SC2086 # CLIENT_OPTS is a list of JVM options
timeout -k 5 $((CALLS / RAMP + HOLD + LINGER + 150)) java ${CLIENT_OPTS:--Xmx1g} \
    -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager \
    -cp "$CP" org.opentelephony.gateway.webrtc.BrowserLoad "ws://127.0.0.1:$WS_PORT" bob \
    "$CALLS" "$RAMP" "$HOLD" w "$LINGER" >"$WORK/client.out" 2>"$WORK/client.err" &
CLIENT_PID=$!

wait_for_line "$WORK/client.out" "phase all-up" $((CALLS / RAMP + 90)) "$CLIENT_PID" ||
    { tail -n 20 "$WORK/client.err" >&2; die "the load client did not get its calls up"; }
log "calls up: $(grep 'phase all-up' "$WORK/client.out")"
tck=$(getconf CLK_TCK)
c0=$(cpu_ticks "$JVM"); read -r b0 t0 < <(machine_busy_ticks); w0=$(date +%s.%N)
wait_for_line "$WORK/client.out" "phase hold-end" $((HOLD + 30)) "$CLIENT_PID" ||
    die "the load client did not finish its hold"
c1=$(cpu_ticks "$JVM"); read -r b1 t1 < <(machine_busy_ticks); w1=$(date +%s.%N)
kill -0 "$JVM" 2>/dev/null || die "the server JVM ($JVM) exited during the counted window (see $WORK/server.log)"
WINDOW=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.0f", b - a }')
live_up=$(live_heap_kib || echo 0)
HTTP_PORT=$(awk '/^http \{/ { f = 1 } f && $1 == "port" { print $3; exit }' "$WORK/conf/server.conf")
curl -s --max-time 5 "http://127.0.0.1:$HTTP_PORT/metrics" >"$WORK/metrics-up.txt" || true
rc=0
wait "$CLIENT_PID" || rc=$?
sleep 2
live_after=$(live_heap_kib || echo 0)
stop_uas
stop_server

echo
echo "=== webrtc-calls: $CALLS browser calls (synthetic) -> SIPp echo, ramp $RAMP/s, hold ${HOLD}s; client exit $rc"
grep -E '^ *[a-z_]+ ' "$WORK/client.out" | grep -v '^phase ' | sed 's/^/  /'
awk -v c0="$c0" -v c1="$c1" -v w0="$w0" -v w1="$w1" -v tck="$tck" -v b0="$b0" -v b1="$b1" \
    -v t0="$t0" -v t1="$t1" -v n="$CALLS" -v win="$WINDOW" 'BEGIN {
    s = (c1 - c0) / tck; w = w1 - w0
    printf "  server CPU         %.1f %% of one core over %d s (%.2f s CPU), %.2f %% of a core per call\n",
           100 * s / w, win, s, 100 * s / w / n
    printf "  machine CPU        %.1f %% busy (both cores; server + load client + SIPp)\n", 100 * (b1 - b0) / (t1 - t0) }'
awk -v b="$live_before" -v u="$live_up" -v a="$live_after" -v n="$CALLS" 'BEGIN {
    printf "  live heap          before %.1f MiB, with %d calls %.1f MiB, after %.1f MiB\n", b/1024, n, u/1024, a/1024
    # "before" is a cold JVM (varies by ±20 MiB between runs); "after" (the calls hung up, same
    # warm JVM) is the steadier baseline, though it still holds the SIP stack ended dialogs
    if (n > 0) printf "  heap per call      %.1f KiB against after, %.1f KiB against before\n", (u - a) / n, (u - b) / n }'
if [[ -s "$WORK/metrics-up.txt" ]]; then
    echo "  server /metrics with the calls up (drops since start):"
    grep -E '^(ice_packets|ice_stun|ice_connected|ice_failed|media_packets_forwarded|media_packets_dropped|media_sessions_active|calls_active)' \
        "$WORK/metrics-up.txt" | grep -v ' 0$' | sed 's/^/    /'
fi
if [[ -s "$WORK/client.err" ]] && grep -q -i 'exception\|error' "$WORK/client.err"; then
    echo "  load client stderr (first lines):"
    grep -i 'exception\|error' "$WORK/client.err" | head -n 5 | cut -c1-200 | sed 's/^/    /'
fi
[[ $rc -eq 0 ]]
