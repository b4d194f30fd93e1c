#!/usr/bin/env bash
# bench/webrtc-setup-time.sh - time from a real browser's INVITE to media flowing both ways.
#
#   Chromium + JsSIP (tests/browser/run.mjs setup-time) -> server -> SIPp uas_bench.xml
#   registered as bob, answering PCMU at once and echoing RTP (-rtp_echo)
#
# usage: bench/webrtc-setup-time.sh [CALLS, default 20] [WARMUP calls not counted, default 3]
#   One page (alice) calls bob CALLS+WARMUP times in a row; for each call run.mjs measures from
#   JsSIP's 'sending' (the INVITE leaves the page) to the first inbound audio bytes in getStats.
#   bob echoes what the server relays to him, so audio arriving at the page proves both
#   directions: page -> server -> SIPp -> server -> page. Prints median, p90 and max of the
#   counted calls (and of all calls). Everything runs in a loopback-only network namespace
#   (unshare --net): Chromium can only pair 127.0.0.1 candidates. Exit 0 if every call had
#   media and the median is under 300 ms.
# env: as bench/lib.sh (BENCH_KEEP=1, ...); BENCH_NETNS=0 (no namespace); CHROMIUM (path).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CALLS=${1:-20}
WARMUP=${2:-3}
[[ "$CALLS" =~ ^[0-9]+$ && "$CALLS" -gt 0 ]] || die "CALLS must be a positive integer"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a non-negative integer"
BROWSER_DIR="$ROOT/tests/browser"
if [[ "${BENCH_IN_NETNS:-0}" != 1 ]]; then
    command -v node >/dev/null || die "node not found"
    [[ -x "${CHROMIUM:-/usr/bin/chromium}" ]] || die "chromium not found (Debian package chromium)"
    [[ -d "$BROWSER_DIR/node_modules" ]] || (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund) ||
        die "npm ci in tests/browser failed"
    command -v jq >/dev/null || die "jq not found"
    build_if_needed
    enter_netns "$0" "$@"
fi

require_tools
make_workdir webrtc-setup-time
SIP_PORT=$(free_port)
UAS_PORT=$(free_port)
MEDIA_PORT=$(free_port)
WS_PORT=$(free_port)
TOTAL=$((CALLS + WARMUP))
{
    echo "sip.ws.port = $WS_PORT"
    echo "sip.wss.port = $(free_port)"
    echo "http.https-port = $(free_port)"
    echo "media.webrtc.ice-port = $(free_port)"
    echo "accounts.seed = [ { user = alice, password = alice123 }, { user = bob, password = bob123 } ]"
} >"$WORK/accounts.conf"
write_server_conf "$SIP_PORT" "" "$WORK/accounts.conf"
start_server "$SIP_PORT"
register_user bob bob123 "$UAS_PORT" "$SIP_PORT"
start_uas uas_bench.xml "$UAS_PORT" $((TOTAL * 10 + 120)) -rtp_echo -mp "$MEDIA_PORT"

log "Chromium: alice calls bob $TOTAL times ($WARMUP warm-up calls not counted)"
rc=0
(cd "$BROWSER_DIR" && timeout -k 5 $((TOTAL * 10 + 90)) node run.mjs setup-time \
    --ws "ws://127.0.0.1:$WS_PORT" --accounts alice:alice123 --targets bob \
    --repeat "$TOTAL" --deadline $((TOTAL * 10 + 60))) >"$WORK/run.json" 2>"$WORK/run.err" || rc=$?
stop_uas
stop_server

echo
echo "=== webrtc-setup-time: Chromium $(chromium --version 2>/dev/null | awk '{print $2}') (JsSIP) -> server -> SIPp echo, $CALLS calls + $WARMUP warm-up; run.mjs exit $rc"
if ! jq -e '.ok' "$WORK/run.json" >/dev/null 2>&1; then
    echo "  run failed: $(head -c 400 "$WORK/run.json")"
    tail -n 5 "$WORK/run.err" | cut -c1-200 | sed 's/^/    /'
    exit 1
fi
stats() { # label jq-selector-of-values
    jq -r "[$2] | sort | . as \$v | length as \$n |
        if \$n == 0 then \"  $1 none\" else
        \"  $1 median \(if \$n % 2 == 1 then \$v[(\$n - 1) / 2] else (\$v[\$n / 2 - 1] + \$v[\$n / 2]) / 2 end) ms, p90 \(\$v[((\$n * 0.9) | ceil) - 1]) ms, min \(\$v[0]) ms, max \(\$v[\$n - 1]) ms (n=\(\$n))\" end" \
        "$WORK/run.json"
}
stats "INVITE -> audio both ways (counted):  " ".detail[$WARMUP:][] | .bothWaysMs"
stats "INVITE -> audio both ways (all calls):" ".detail[] | .bothWaysMs"
echo "  per call (ms): $(jq -r '[.detail[].bothWaysMs] | map(tostring) | join(" ")' "$WORK/run.json")"
median=$(jq -r "[.detail[$WARMUP:][] | .bothWaysMs] | sort | . as \$v | length as \$n |
    if \$n % 2 == 1 then \$v[(\$n - 1) / 2] else (\$v[\$n / 2 - 1] + \$v[\$n / 2]) / 2 end" "$WORK/run.json")
[[ $rc -eq 0 ]] && awk -v m="$median" 'BEGIN { exit !(m < 300) }'
