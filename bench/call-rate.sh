#!/usr/bin/env bash
# bench/call-rate.sh - call set-up/tear-down rate through the B2BUA.
#
#   SIPp uac_trusted.xml (trusted peer, no auth, call length 0)
#       -> server -> SIPp uas_bench.xml registered as bob (register.xml first)
#
# usage: bench/call-rate.sh [RATE calls/s, default 600] [DURATION s, default 30]
#   Places RATE*DURATION calls at RATE/s (at most 10*RATE open at once), then prints
#   the achieved rate, failed calls, p50/p99 of INVITE->200 and BYE->200 and the
#   server's heap before/after. Everything is bounded: SIPp -m and -timeout, plus an
#   outer `timeout`. Exit status: 0 if no call failed, 1 otherwise.
# env: BENCH_SIP_PORT, BENCH_UAS_PORT, BENCH_UAC_PORT (default: free random ports),
#      BENCH_KEEP=1 keeps /tmp/bench-call-rate.* (server log, SIPp CSV/logs).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=${1:-600}
DURATION=${2:-30}
[[ "$RATE" =~ ^[0-9]+$ && "$RATE" -gt 0 ]] || die "RATE must be a positive integer"
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -gt 0 ]] || die "DURATION must be a positive integer"
CALLS=$((RATE * DURATION))
LIMIT=$((RATE * 10))
SIPP_TIMEOUT=$((DURATION * 2 + 30))
WARMUP=${BENCH_WARMUP:-15}

require_tools
make_workdir call-rate
SIP_PORT=${BENCH_SIP_PORT:-$(free_port)}
UAS_PORT=${BENCH_UAS_PORT:-$(free_port)}
UAC_PORT=${BENCH_UAC_PORT:-$(free_port)}
[[ "$SIP_PORT" != "$UAS_PORT" && "$SIP_PORT" != "$UAC_PORT" && "$UAS_PORT" != "$UAC_PORT" ]] ||
    die "port collision ($SIP_PORT/$UAS_PORT/$UAC_PORT), run again"

# demo accounts (alice..dave) are kept: bob is the callee
write_server_conf "$SIP_PORT" "\"127.0.0.1:$UAC_PORT\""
start_server "$SIP_PORT"

register_user bob bob123 "$UAS_PORT" "$SIP_PORT"
start_uas uas_bench.xml "$UAS_PORT" $((SIPP_TIMEOUT + WARMUP + 30))

warm_up uac_trusted.xml $((RATE / 2)) "$WARMUP" "$UAC_PORT" "$SIP_PORT" -s bob
heap_report before
log "SIPp UAC: $CALLS calls at $RATE/s (uac_trusted.xml from 127.0.0.1:$UAC_PORT, -l $LIMIT)"
rc=0
measured_uac uac uac_trusted.xml "$RATE" "$LIMIT" "$CALLS" "$SIPP_TIMEOUT" "$UAC_PORT" \
    "$SIP_PORT" -s bob || rc=$?
heap_report after
stop_uas
stop_server

echo
echo "=== call-rate: target $RATE calls/s for ${DURATION}s ($CALLS calls), SIPp exit $rc"
sipp_summary "$WORK/sipp" uac-stat.csv 'uac_trusted_*_rtt.csv' "INVITE->200:" "BYE->200:"
print_errors uac
[[ $rc -eq 0 ]]
