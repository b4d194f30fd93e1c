#!/usr/bin/env bash
# bench/concurrent-calls.sh - many established calls held at once.
#
#   SIPp uac_trusted_hold.xml (trusted peer, holds each call -d ms, then BYE)
#       -> server -> SIPp uas_bench.xml registered as bob
#
# usage: bench/concurrent-calls.sh [CALLS, default 1000] [HOLD s, default 30] [RAMP calls/s, default 200]
#   Opens CALLS calls at RAMP/s (-l CALLS), each answered and held HOLD seconds, so all
#   CALLS are established together from about CALLS/RAMP s until HOLD s. Prints the
#   server's heap before, while all calls are up, and after; failed calls; set-up p50/p99.
#   Exit status: 0 if no call failed, 1 otherwise.
# env: BENCH_SIP_PORT, BENCH_UAS_PORT, BENCH_UAC_PORT, BENCH_KEEP=1.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CALLS=${1:-1000}
HOLD=${2:-30}
RAMP=${3:-200}
for v in CALLS HOLD RAMP; do
    [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || die "$v must be a positive integer"
done
RAMP_S=$(((CALLS + RAMP - 1) / RAMP))
SIPP_TIMEOUT=$((RAMP_S + HOLD + 60))

require_tools
make_workdir concurrent-calls
SIP_PORT=${BENCH_SIP_PORT:-$(free_port)}
UAS_PORT=${BENCH_UAS_PORT:-$(free_port)}
UAC_PORT=${BENCH_UAC_PORT:-$(free_port)}
[[ "$SIP_PORT" != "$UAS_PORT" && "$SIP_PORT" != "$UAC_PORT" && "$UAS_PORT" != "$UAC_PORT" ]] ||
    die "port collision ($SIP_PORT/$UAS_PORT/$UAC_PORT), run again"

write_server_conf "$SIP_PORT" "\"127.0.0.1:$UAC_PORT\""
start_server "$SIP_PORT"

register_user bob bob123 "$UAS_PORT" "$SIP_PORT"
start_uas uas_bench.xml "$UAS_PORT" "$SIPP_TIMEOUT"

heap_report before
live_before=$(live_heap_kib || echo 0)
log "SIPp UAC: $CALLS calls at $RAMP/s, each held ${HOLD}s (uac_trusted_hold.xml, -l $CALLS)"
(cd "$WORK/sipp" && exec timeout -k 5 $((SIPP_TIMEOUT + 30)) "$SIPP" -sf "$SCEN/uac_trusted_hold.xml" -s bob \
    -i 127.0.0.1 -ci 127.0.0.1 -p "$UAC_PORT" -r "$RAMP" -l "$CALLS" -m "$CALLS" -d $((HOLD * 1000)) \
    -timeout "${SIPP_TIMEOUT}s" -nostdin -buff_size 4194304 \
    -watchdog_minor_maxtriggers 100000 -watchdog_major_maxtriggers 100000 \
    -trace_stat -stf hold-stat.csv -fd 1 "${RTT_OPTS[@]}" \
    -trace_err -error_file hold-errors.log \
    "127.0.0.1:$SIP_PORT") >"$WORK/sipp/hold.out" 2>&1 &
UAC_PID=$!

# while the calls are held: wait until the ramp is over (+2 s), then report
sleep $((RAMP_S + 2))
open_calls=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { v = $col["CurrentCall"] } END { print v + 0 }' \
    "$WORK/sipp/hold-stat.csv" 2>/dev/null || echo "?")
log "calls open at the SIPp caller now: $open_calls (target $CALLS)"
heap_report "with calls up"
live_up=$(live_heap_kib || echo 0)

rc=0
wait "$UAC_PID" || rc=$?
heap_report after
live_after=$(live_heap_kib || echo 0)
stop_uas
stop_server

echo
echo "=== concurrent-calls: $CALLS calls held ${HOLD}s (ramp $RAMP/s), SIPp exit $rc, $open_calls open mid-test"
sipp_summary "$WORK/sipp" hold-stat.csv 'uac_trusted_hold_*_rtt.csv' "INVITE->200:" "BYE->200:"
# live heap = heap in use right after a full GC (jcmd GC.run), so it counts what calls retain
awk -v b="$live_before" -v u="$live_up" -v a="$live_after" -v n="$open_calls" 'BEGIN {
    printf "  live heap          before %.1f MiB, with %s calls %.1f MiB, after %.1f MiB\n", b/1024, n, u/1024, a/1024
    if (n > 0) printf "  heap per call      %.1f KiB\n", (u - b) / n }'
if [[ -s "$WORK/sipp/hold-errors.log" ]]; then
    echo "  first SIPp errors:"
    head -n 5 "$WORK/sipp/hold-errors.log" | cut -c1-200 | sed 's/^/    /'
fi
[[ $rc -eq 0 ]]
