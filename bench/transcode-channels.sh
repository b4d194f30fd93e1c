#!/usr/bin/env bash
# bench/transcode-channels.sh - how many G.711 <-> Opus channels one core transcodes in real time.
#
#   A channel is both directions of one call at 20 ms (50 PCMU->Opus and 50 Opus->PCMU payloads
#   per second). Runs org.opentelephony.media.codec.bench.TranscodeBenchmark from the test
#   classes of media-engine on one CPU (taskset), prints CPU time per channel-frame, the
#   resulting CHANNELS_PER_CORE, bytes allocated per frame, then a paced run of N channels
#   ticking every 20 ms with its per-tick work time.
#
# usage: bench/transcode-channels.sh [--channels N] [--seconds S] [--warmup S] [--law PCMU|PCMA]
#                                    [--complexity C] [--bitrate B] [--bandwidth NARROWBAND|...]
# env:   BENCH_CPU      CPU to pin to (default: the last one; BENCH_CPU=none to not pin)
#        JAVA_OPTS      extra JVM options
#        MVN_OFFLINE=0  let Maven download what it misses (default: offline, then online once)
# Exit status: 0 when CHANNELS_PER_CORE >= BENCH_MIN_CHANNELS (default 100), 1 otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

mvn_q() {
    if [[ "${MVN_OFFLINE:-1}" == 1 ]] && mvn -B -q -o -Dstyle.color=never "$@"; then return 0; fi
    mvn -B -q -Dstyle.color=never "$@"
}

echo "building media-engine test classes..." >&2
mvn_q -pl media-engine test-compile
CP_FILE=$(mktemp /tmp/transcode-bench-cp.XXXXXX)
trap 'rm -f "$CP_FILE"' EXIT
mvn_q -pl media-engine dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="media-engine/target/classes:media-engine/target/test-classes:$(cat "$CP_FILE")"

PIN=()
CPU=${BENCH_CPU:-$(( $(nproc) - 1 ))}
if [[ "$CPU" != none ]] && command -v taskset >/dev/null; then
    PIN=(taskset -c "$CPU")
    echo "pinned to CPU $CPU" >&2
fi

OUT=$(mktemp /tmp/transcode-bench-out.XXXXXX)
trap 'rm -f "$CP_FILE" "$OUT"' EXIT
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"${PIN[@]}" java ${JAVA_OPTS:-} -XX:+UseSerialGC -cp "$CP" \
    org.opentelephony.media.codec.bench.TranscodeBenchmark "$@" | tee "$OUT"

PER_CORE=$(sed -n 's/^CHANNELS_PER_CORE=\([0-9]*\).*/\1/p' "$OUT")
MIN=${BENCH_MIN_CHANNELS:-100}
if [[ -n "$PER_CORE" && "$PER_CORE" -ge "$MIN" ]]; then
    echo "OK: $PER_CORE channels per core (goal >= $MIN)"
else
    echo "BELOW GOAL: ${PER_CORE:-?} channels per core (goal >= $MIN)"
    exit 1
fi
