#!/usr/bin/env bash
# bench/register-rate.sh - REGISTER rate with digest authentication.
#
#   SIPp register_bench.xml: REGISTER -> 401 -> REGISTER + Authorization -> 200,
#   cycling over USERS accounts (bench0001..) seeded in the generated server.conf.
#
# usage: bench/register-rate.sh [RATE registrations/s, default 6000] [DURATION s, default 20] [USERS, default 1000]
#   Does RATE*DURATION registrations (each user about RATE*DURATION/USERS times), then
#   prints the achieved rate, failures, p50/p99 (whole registration, and the
#   authenticated REGISTER -> 200) and the server's heap before/after.
#   Exit status: 0 if no registration failed, 1 otherwise.
# env: BENCH_SIP_PORT, BENCH_UAC_PORT (default: free random ports), BENCH_KEEP=1.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=${1:-6000}
DURATION=${2:-20}
USERS=${3:-1000}
for v in RATE DURATION USERS; do
    [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || die "$v must be a positive integer"
done
TOTAL=$((RATE * DURATION))
LIMIT=$((RATE * 5))
SIPP_TIMEOUT=$((DURATION * 2 + 30))
WARMUP=${BENCH_WARMUP:-15}

require_tools
make_workdir register-rate
SIP_PORT=${BENCH_SIP_PORT:-$(free_port)}
UAC_PORT=${BENCH_UAC_PORT:-$(free_port)}
[[ "$SIP_PORT" != "$UAC_PORT" ]] || die "port collision, run again"

# accounts: the demo ones + bench0001..benchNNNN (password pwNNNN)
# users.csv: SIPp injection file; the 3rd field is the whole [authentication] keyword
# because SIPp 3.6.1 does not expand [fieldN] nested inside [authentication ...].
ACCOUNTS="$WORK/accounts.conf"
{
    echo "accounts.seed = ["
    echo "  { user = alice, password = alice123 }"
    echo "  { user = bob, password = bob123 }"
    echo "  { user = carol, password = carol123 }"
    echo "  { user = dave, password = dave123 }"
    for i in $(seq -f '%04g' 1 "$USERS"); do
        echo "  { user = bench$i, password = \"pw$i\" }"
    done
    echo "]"
} >"$ACCOUNTS"
{
    echo "SEQUENTIAL"
    for i in $(seq -f '%04g' 1 "$USERS"); do
        echo "bench$i;pw$i;[authentication username=bench$i password=pw$i]"
    done
} >"$WORK/sipp/users.csv"

write_server_conf "$SIP_PORT" "" "$ACCOUNTS"
start_server "$SIP_PORT"
warm_up register_bench.xml $((RATE / 2)) "$WARMUP" "$UAC_PORT" "$SIP_PORT" -inf users.csv

heap_report before
log "SIPp UAC: $TOTAL registrations of $USERS users at $RATE/s (from 127.0.0.1:$UAC_PORT, -l $LIMIT)"
rc=0
measured_uac reg register_bench.xml "$RATE" "$LIMIT" "$TOTAL" "$SIPP_TIMEOUT" "$UAC_PORT" \
    "$SIP_PORT" -inf users.csv || rc=$?
heap_report after
stop_server

echo
echo "=== register-rate: target $RATE/s for ${DURATION}s ($TOTAL registrations, $USERS users), SIPp exit $rc"
sipp_summary "$WORK/sipp" reg-stat.csv 'register_bench_*_rtt.csv' "REGISTER..200:" "auth REG->200:"
print_errors reg
[[ $rc -eq 0 ]]
