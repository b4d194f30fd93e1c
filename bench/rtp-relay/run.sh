#!/usr/bin/env bash
# bench/rtp-relay/run.sh - RTP relay throughput and latency on one core, against a C baseline.
#
# usage: bench/rtp-relay/run.sh [throughput|calls|all]   (default: all)
#
#   throughput  For each relay in $RELAYS - the Java MediaEngine with one relay thread
#               (RelayBenchServer), udpfwd in its plain recvfrom/sendto mode (what RelayLoop
#               does, in C), udpfwd -M (recvmmsg/sendmmsg), optionally udpfwd -C (plain with
#               connected sending sockets) - set up $STREAMS one-way streams,
#               warm up ($WARMUP_S s at $WARMUP_PPS pps, not reported), then for each rate of
#               $RATES send $DURATION s of PCMU RTP with rtpgen and measure. The relay runs
#               pinned to CPU $RELAY_CPU (the whole JVM: GC and JIT included), rtpgen to
#               CPU $GEN_CPU. Prints a table (offered and forwarded pps, loss, latency, relay CPU
#               and CPU time per packet) and the Java/C ratios.
#   calls       $CALLS two-way G.711 calls through the Java relay: $CALL_PPS pps each way per
#               call for $CALL_DURATION s; checks zero loss and prints the live heap after
#               set-up and after the traffic, and the heap/GC samples taken every 10 s.
#
# The same rtpgen, mapping file and socket layout serve every relay: RelayBenchServer writes
# the mapping ("GEN_SEND_PORT RELAY_PORT GEN_RECV_PORT"), udpfwd listens on the same relay ports.
# Latency columns are rtpgen's kernel-stamped ones (SO_TIMESTAMPNS on the received packet minus
# the send time in its payload): the relay's added latency plus the loopback path.
#
# Environment (all optional):
#   STREAMS=1000 RATES="100000 150000 200000" DURATION=20 WARMUP_PPS=50000 WARMUP_S=10
#   RELAYS="java c-plain c-mmsg"   (also c-conn: plain with connected sending sockets)
#   CALLS=500 CALL_PPS=50 CALL_DURATION=60
#   RELAY_CPU=1 GEN_CPU=0 NICE=0 (e.g. -10 on a machine shared with other work: relay and
#     generator then win their CPUs from other processes)
#   GEN_SOCKETS=shared GEN_BATCH=16: throughput runs send from one socket and receive on one
#     (sendmmsg/recvmmsg of up to 16/64 packets), so that one generator core can offer more;
#     the relay still has its 4 sockets per stream. GEN_SOCKETS=per-stream gives each stream
#     its own pair (as phones have), GEN_BATCH=1. The calls mode always uses per-stream, batch 1.
#   RELAY_PORTS=10000-14999 GEN_PORT=15000   (kept below 20000: bench/lib.sh picks 20000-39999)
#   JAVA_OPTS="-Xms512m -Xmx512m"  JFR=1: record a JFR of the Java relay in an extra run at the
#   first rate (after the measured ones) and print where its samples fall.
#   QUIET_WAIT=0 QUIET_MAX=10: before each measured run wait up to QUIET_WAIT s until the rest
#   of the machine uses under QUIET_MAX % of the CPUs (for shared machines).
#   BENCH_KEEP=1 keeps the work directory (outputs of every process).
# Exit status: 0 when every Java run lost nothing, 1 otherwise, 2 on a setup error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MODE=${1:-all}
STREAMS=${STREAMS:-1000}
RATES=${RATES:-100000 150000 200000}
DURATION=${DURATION:-20}
WARMUP_PPS=${WARMUP_PPS:-50000}
WARMUP_S=${WARMUP_S:-10}
RELAYS=${RELAYS:-java c-plain c-mmsg}
CALLS=${CALLS:-500}
CALL_PPS=${CALL_PPS:-50}
CALL_DURATION=${CALL_DURATION:-60}
RELAY_CPU=${RELAY_CPU:-1}
GEN_CPU=${GEN_CPU:-0}
GEN_SOCKETS=${GEN_SOCKETS:-shared}
GEN_BATCH=${GEN_BATCH:-16}
RELAY_PORTS=${RELAY_PORTS:-10000-14999}
GEN_PORT=${GEN_PORT:-15000}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m}
JFR=${JFR:-0}
NICE=${NICE:-0}
CLK_TCK=$(getconf CLK_TCK)
RELAY_PID=""
STDIN_FD=""
FAILED=0

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

case "$MODE" in throughput | calls | all) ;; *) die "usage: $0 [throughput|calls|all]" ;; esac
for t in gcc java mvn taskset timeout ss awk; do
    command -v "$t" >/dev/null || die "$t not found"
done
[[ $(nproc --all) -gt $((RELAY_CPU > GEN_CPU ? RELAY_CPU : GEN_CPU)) ]] ||
    die "CPU $RELAY_CPU or $GEN_CPU does not exist"

WORK=$(mktemp -d /tmp/bench-rtp-relay.XXXXXX)
# shellcheck disable=SC2317 # called by the EXIT trap
on_exit() {
    local rc=$?
    stop_relay
    if [[ "${BENCH_KEEP:-0}" == 1 || $rc -ne 0 ]]; then log "outputs kept in $WORK"; else rm -rf "$WORK"; fi
    return "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- build -----------------------------------------------------------------------------------
log "compiling rtpgen and udpfwd into $WORK"
gcc -O2 -Wall -Wextra -o "$WORK/rtpgen" "$HERE/rtpgen.c" -pthread
gcc -O2 -Wall -Wextra -o "$WORK/udpfwd" "$HERE/udpfwd.c"
log "compiling media-engine test classes"
(cd "$ROOT" && mvn -B -o -q test-compile -pl media-engine) >"$WORK/mvn.log" 2>&1 ||
    { cat "$WORK/mvn.log" >&2; die "mvn test-compile failed"; }
(cd "$ROOT" && mvn -B -o -q -pl media-engine dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath.txt") >>"$WORK/mvn.log" 2>&1 ||
    { cat "$WORK/mvn.log" >&2; die "mvn dependency:build-classpath failed"; }
CP="$ROOT/media-engine/target/classes:$ROOT/media-engine/target/test-classes:$(cat "$WORK/classpath.txt")"

# --- helpers ---------------------------------------------------------------------------------
ports_busy() { # LO HI -> prints how many UDP sockets are bound in [LO, HI]
    ss -Hlun | awk -v lo="$1" -v hi="$2" '{ n = split($4, a, ":"); p = a[n] + 0
        if (p >= lo && p <= hi) c++ } END { print c + 0 }'
}

udp_drops() { # LO HI -> sum of the drop counters of the UDP sockets bound in [LO, HI]
    awk -v lo="$1" -v hi="$2" 'function hex(s,   i, n) { n = 0
            for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
            return n }
        NR > 1 { split($2, a, ":"); p = hex(a[2]); if (p >= lo && p <= hi) d += $NF }
        END { print d + 0 }' /proc/net/udp
}

proc_ticks() { # PID [TID] -> utime stime (clock ticks) of the process or one of its threads
    local f=/proc/$1/stat
    [[ -n "${2:-}" ]] && f=/proc/$1/task/$2/stat
    awk '{ sub(/^.*\) /, ""); print $12, $13 }' "$f" # fields 14, 15 counted after the comm
}

cpu_ticks() { # CPU -> "user system irq softirq" ticks of that CPU (user includes nice)
    awk -v c="cpu$1" '$1 == c { print $2 + $3, $4, $7, $8 }' /proc/stat
}

busy_ticks() { # -> busy ticks of all CPUs (user, nice, system, irq, softirq)
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

relay_thread() { # JVM_PID -> TID of media-relay-0
    local t
    for t in /proc/"$1"/task/*; do
        [[ "$(cat "$t/comm" 2>/dev/null)" == media-relay-0 ]] && { basename "$t"; return 0; }
    done
    return 1
}

wait_for() { # FILE PATTERN SECONDS
    local _
    for _ in $(seq 1 $(($3 * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        [[ -n "$RELAY_PID" ]] && ! kill -0 "$RELAY_PID" 2>/dev/null && return 1
        sleep 0.1
    done
    return 1
}

start_java() { # NAME ARGS... : RelayBenchServer on RELAY_CPU, stdin from a fifo we hold open
    local name=$1
    shift
    mkfifo "$WORK/$name.stdin"
    OUT="$WORK/$name.out"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    nice -n "$NICE" taskset -c "$RELAY_CPU" java $JAVA_OPTS -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit \
        -cp "$CP" org.opentelephony.media.bench.RelayBenchServer \
        --relay-ports "$RELAY_PORTS" --gen-port "$GEN_PORT" --gen-sockets "$GEN_SOCKETS" \
        --map "$WORK/map.txt" --max-seconds 1800 "$@" \
        <"$WORK/$name.stdin" >"$WORK/$name.out" 2>&1 &
    RELAY_PID=$!
    exec {STDIN_FD}>"$WORK/$name.stdin"
    wait_for "$WORK/$name.out" '^READY' 120 || { cat "$WORK/$name.out" >&2; die "relay did not start"; }
    log "$(grep -m1 '^JVM' "$WORK/$name.out")"
    log "$(grep '^READY' "$WORK/$name.out") (pid $RELAY_PID)"
}

start_udpfwd() { # NAME ARGS...
    local name=$1
    shift
    nice -n "$NICE" taskset -c "$RELAY_CPU" "$WORK/udpfwd" -m "$WORK/map.txt" -t 1800 "$@" >"$WORK/$name.out" 2>&1 &
    RELAY_PID=$!
    OUT="$WORK/$name.out"
    wait_for "$WORK/$name.out" '^READY' 30 || { cat "$WORK/$name.out" >&2; die "udpfwd did not start"; }
    log "udpfwd $* ready (pid $RELAY_PID)"
}

stop_relay() { # closes the Java relay's stdin (or SIGTERMs udpfwd), SIGKILL after 30 s
    [[ -n "$RELAY_PID" ]] || return 0
    if [[ -n "$STDIN_FD" ]]; then
        exec {STDIN_FD}>&-
        STDIN_FD=""
    else
        kill -TERM "$RELAY_PID" 2>/dev/null || true
    fi
    local _
    for _ in $(seq 1 300); do
        kill -0 "$RELAY_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$RELAY_PID" 2>/dev/null; then
        log "relay $RELAY_PID still alive: SIGKILL"
        kill -KILL "$RELAY_PID" 2>/dev/null || true
    fi
    wait "$RELAY_PID" 2>/dev/null || true
    RELAY_PID=""
}

mark() { # NAME : asks the Java relay to print a MARK line (nothing for udpfwd)
    [[ -n "$STDIN_FD" ]] && echo "$1" >&"$STDIN_FD"
    return 0
}

# wait_quiet: the machine may be shared; waits up to QUIET_WAIT s for everything but the relay
# to use less than QUIET_MAX % of all CPUs (1 s samples), then goes on anyway with a warning.
wait_quiet() {
    [[ "${QUIET_WAIT:-0}" -gt 0 ]] || return 0
    local deadline=$((SECONDS + QUIET_WAIT)) b0 b1 r0 r1 other
    while :; do
        b0=$(busy_ticks)
        read -r r0 _ < <(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$RELAY_PID/stat")
        sleep 1
        b1=$(busy_ticks)
        read -r r1 _ < <(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$RELAY_PID/stat")
        other=$(((b1 - b0 - (r1 - r0)) * 100 / CLK_TCK / $(nproc --all)))
        [[ $other -lt ${QUIET_MAX:-10} ]] && return 0
        if [[ $SECONDS -ge $deadline ]]; then
            log "WARNING: other processes use ${other}% of the CPUs; measuring anyway"
            return 0
        fi
        sleep 4
    done
}

field() { # LINE KEY -> value of KEY=value in LINE
    tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2; exit }'
}

# gen LABEL PPS SECONDS [TID] : one rtpgen run against the running relay; appends a row.
# CPU is taken from /proc/stat for the relay's CPU as a whole: the kernel accounts the softirq
# work of a send on loopback (delivering the packet into the receiver's socket) to the CPU, not to
# the sending process, so the relay process's own utime+stime leaves part of its cost out.
ROWS="$WORK/rows.txt"
gen() {
    local label=$1 pps=$2 secs=$3 tid=${4:-} rc=0
    local lo=${RELAY_PORTS%-*} hi=${RELAY_PORTS#*-}
    local pu0 ps0 pu1 ps1 tu0=0 ts0=0 tu1=0 ts1=0 ru0 rs0 ri0 rq0 ru1 rs1 ri1 rq1
    local gu0 gs0 gu1 gs1 d0 d1 start end
    wait_quiet
    mark "$label-start"
    read -r pu0 ps0 < <(proc_ticks "$RELAY_PID")
    [[ -n "$tid" ]] && read -r tu0 ts0 < <(proc_ticks "$RELAY_PID" "$tid")
    read -r ru0 rs0 ri0 rq0 < <(cpu_ticks "$RELAY_CPU")
    read -r gu0 gs0 _ < <(cpu_ticks "$GEN_CPU")
    d0=$(udp_drops "$lo" "$hi")
    start=$(date +%s.%N)
    timeout $((secs + 60)) nice -n "$NICE" taskset -c "$GEN_CPU" "$WORK/rtpgen" -m "$WORK/map.txt" \
        -r "$pps" -d "$secs" -b "$GEN_BATCH" -l "$label" >"$WORK/gen-$label.out" 2>&1 || rc=$?
    end=$(date +%s.%N)
    read -r pu1 ps1 < <(proc_ticks "$RELAY_PID")
    [[ -n "$tid" ]] && read -r tu1 ts1 < <(proc_ticks "$RELAY_PID" "$tid")
    read -r ru1 rs1 ri1 rq1 < <(cpu_ticks "$RELAY_CPU")
    read -r gu1 gs1 _ < <(cpu_ticks "$GEN_CPU")
    d1=$(udp_drops "$lo" "$hi")
    mark "$label-end"
    local r
    r=$(grep '^RESULT' "$WORK/gen-$label.out" || true)
    [[ -n "$r" ]] || { cat "$WORK/gen-$label.out" >&2; log "rtpgen $label failed (rc $rc)"; return 1; }
    grep -v '^RESULT' "$WORK/gen-$label.out" | sed 's/^/    /' >&2
    local alloc="-" gcs="-"
    if [[ -n "$STDIN_FD" ]]; then
        wait_for "$OUT" "^MARK $label-end " 10 || true
        read -r alloc gcs < <(awk -v a="$label-start" -v b="$label-end" '
            function v(k,   i, x) { for (i = 3; i <= NF; i++) { split($i, x, "="); if (x[1] == k) return x[2] } }
            $1 == "MARK" && $2 == a { f0 = v("forwarded"); a0 = v("relay_alloc_bytes"); g0 = v("gc_count") }
            $1 == "MARK" && $2 == b { f = v("forwarded") - f0
                printf "%.2f %d\n", (f > 0 ? (v("relay_alloc_bytes") - a0) / f : 0), v("gc_count") - g0 }' "$OUT")
    fi
    local thr="-"
    [[ -n "$tid" ]] && thr=$((tu1 - tu0 + ts1 - ts0))
    echo "$label $pps $r wall=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
        "proc=$((pu1 - pu0 + ps1 - ps0)) thread=$thr r_usr=$((ru1 - ru0)) r_sys=$((rs1 - rs0))" \
        "r_irq=$((ri1 - ri0)) r_sirq=$((rq1 - rq0)) g_usrsys=$((gu1 - gu0 + gs1 - gs0))" \
        "relay_sock_drops=$((d1 - d0)) alloc_per_pkt=$alloc gcs=$gcs" >>"$ROWS"
    return 0
}

print_table() {
    log "results: latency = kernel receive stamp - send stamp (relay + loopback); CPU in % of one core"
    awk -v tck="$CLK_TCK" '
    function v(k,   i, a) { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } return "" }
    BEGIN {
        printf "%-14s %7s %7s %7s %7s %7s %8s %8s %5s %5s %5s %6s %6s %6s %9s %5s %5s %4s %4s %4s\n", "run", "offered",
            "fwd_pps", "lost", "p50_us", "p99_us", "p99.9us", "max_us", "core", "proc", "sirq", "us/pk", "usP/pk",
            "B/pkt", "sock_drop", "GCs", "lagms", "fgnR", "fgnG", "thr"
    }
    {
        wall = v("wall"); rx = v("received")
        proc = v("proc") / tck
        core = proc + (v("r_irq") + v("r_sirq")) / tck
        fgn = (v("r_usr") + v("r_sys") - v("proc")) / tck
        gfgn = v("g_usrsys") / tck - v("gen_cpu_s")
        thr = v("thread") == "-" ? "-" : sprintf("%.0f", 100 * v("thread") / tck / wall)
        printf "%-14s %7.0f %7.0f %7d %7.1f %7.1f %8.1f %8.1f %5.0f %5.0f %5.0f %6.2f %6.2f %6s %9s %5s %5.0f %4.0f %4.0f %4s\n", $1,
            v("offered_pps"), v("fwd_pps"), v("lost"), v("k_p50_us"), v("k_p99_us"), v("k_p999_us"), v("k_max_us"),
            100 * core / wall, 100 * proc / wall, 100 * v("r_sirq") / tck / wall,
            (rx > 0 ? 1e6 * core / rx : 0), (rx > 0 ? 1e6 * proc / rx : 0), v("alloc_per_pkt"),
            v("relay_sock_drops") "/" v("gen_sock_drops"), v("gcs"), v("send_lag_max_ms"),
            (fgn > 0 ? 100 * fgn / wall : 0), (gfgn > 0 ? 100 * gfgn / wall : 0), thr
        if (rx > 0) { kind = $1; sub(/-[0-9]+$/, "", kind); core_us[kind, $2] = 1e6 * core / rx
            proc_us[kind, $2] = 1e6 * proc / rx; kinds[kind] = 1; rates[$2] = 1 }
    }
    END {
        print ""
        print "core = relay process + softirq + irq on the relay CPU, / wall time of the rtpgen run"
        print "  (which includes up to 1 s of drain); proc = relay process utime+stime; sirq = softirq on that CPU"
        print "  (mostly the loopback delivery of what the relay sends into rtpgen'\''s sockets);"
        print "us/pk, usP/pk = core and proc CPU time per packet received back by rtpgen;"
        print "B/pkt, GCs = bytes the Java relay thread allocated per packet forwarded, collections (MARKs);"
        print "sock_drop = kernel drops on relay sockets / on rtpgen sockets; lagms = how far (ms) rtpgen fell"
        print "  behind its schedule at worst (large: the generator, not the relay, set the rate);"
        print "fgnR, fgnG = other processes on the relay CPU, on the generator CPU (% of it; ~0 for a clean run);"
        print "thr = the Java relay thread alone."
        for (r in rates) {
            if (!(("java", r) in core_us)) continue
            line = sprintf("rate %s: Java/C CPU per packet (core; process only):", r)
            for (k in kinds) if (k != "java" && ((k, r) in core_us))
                line = line sprintf("  vs %s %.2fx; %.2fx", k, core_us["java", r] / core_us[k, r],
                    (proc_us[k, r] > 0 ? proc_us["java", r] / proc_us[k, r] : 0))
            print line
        }
        for (k in kinds) for (r in rates) if ((k, r) in core_us)
            printf "  %s at %s pps: %.2f us/packet of one core -> about %.0f pps per core if CPU-bound\n",
                k, r, core_us[k, r], 1e6 / core_us[k, r]
    }' "$ROWS"
}

write_map() { # the layout RelayBenchServer writes for one-way streams, when java did not run
    awk -v n="$STREAMS" -v gen="$GEN_PORT" -v relay="${RELAY_PORTS%-*}" -v shared="$GEN_SOCKETS" 'BEGIN {
        print "# run.sh: " n " one-way streams, generator sockets " shared
        for (i = 0; i < n; i++) { a = shared == "shared" ? gen : gen + 2 * i; print a, relay + 4 * i, a + 1 } }' \
        >"$WORK/map.txt"
}

check_ports() {
    local lo=${RELAY_PORTS%-*} hi=${RELAY_PORTS#*-} n
    n=$(ports_busy "$lo" "$hi")
    [[ $n -eq 0 ]] || die "$n UDP socket(s) already bound in $RELAY_PORTS"
    n=$(ports_busy "$GEN_PORT" $((GEN_PORT + 2 * STREAMS + 1)))
    [[ $n -eq 0 ]] || die "$n UDP socket(s) already bound at the generator's ports from $GEN_PORT"
}

# --- throughput ------------------------------------------------------------------------------
throughput() {
    : >"$ROWS"
    local relay rate
    for relay in $RELAYS; do
        check_ports
        case "$relay" in
            java)
                start_java java --sessions "$STREAMS" --threads 1 --report-seconds 0 ;;
            c-plain)
                [[ -f "$WORK/map.txt" ]] || write_map
                start_udpfwd c-plain ;;
            c-mmsg)
                [[ -f "$WORK/map.txt" ]] || write_map
                start_udpfwd c-mmsg -M ;;
            c-conn)
                [[ -f "$WORK/map.txt" ]] || write_map
                start_udpfwd c-conn -C ;;
            *) die "unknown relay $relay" ;;
        esac
        local tid=""
        [[ "$relay" == java ]] && tid=$(relay_thread "$RELAY_PID")
        log "$relay: warm-up, $WARMUP_PPS pps for $WARMUP_S s"
        timeout $((WARMUP_S + 60)) nice -n "$NICE" taskset -c "$GEN_CPU" "$WORK/rtpgen" \
            -m "$WORK/map.txt" -r "$WARMUP_PPS" -d "$WARMUP_S" -b "$GEN_BATCH" -l warmup >"$WORK/gen-$relay-warmup.out" 2>&1 || true
        sleep 3 # lets the relay drain what it queued while the JIT compiled
        for rate in $RATES; do
            log "$relay: $STREAMS streams, $rate pps for $DURATION s"
            gen "$relay-$rate" "$rate" "$DURATION" "$tid" || true
        done
        if [[ "$relay" == java && "$JFR" == 1 ]]; then
            profile_java "${RATES%% *}"
        fi
        stop_relay
        if [[ "$relay" == java ]]; then
            grep -E '^(RELAY_ALLOC|HEAP|METRIC)' "$WORK/java.out" | sed 's/^/    /' >&2
        else
            grep '^FWD' "$WORK/$relay.out" | sed 's/^/    /' >&2
        fi
    done
    print_table
    if awk '$1 ~ /^java/ { for (i = 1; i <= NF; i++) if ($i ~ /^lost=/ && $i != "lost=0") bad = 1 }
            END { exit bad ? 0 : 1 }' "$ROWS"; then
        FAILED=1
    fi
}

profile_java() { # RATE : an extra run with JFR on (not in the table), then where samples fall
    local rate=$1
    log "java: JFR run at $rate pps for $DURATION s"
    jcmd "$RELAY_PID" JFR.start name=relay settings=profile filename="$WORK/relay.jfr" >/dev/null
    timeout $((DURATION + 60)) nice -n "$NICE" taskset -c "$GEN_CPU" "$WORK/rtpgen" \
        -m "$WORK/map.txt" -r "$rate" -d "$DURATION" -b "$GEN_BATCH" -l jfr >"$WORK/gen-jfr.out" 2>&1 || true
    jcmd "$RELAY_PID" JFR.stop name=relay >/dev/null
    grep -E '^jfr: (received|latency kernel)' "$WORK/gen-jfr.out" | sed 's/^/    /' >&2
    local ev
    for ev in jdk.ExecutionSample jdk.NativeMethodSample; do
        log "JFR $ev on media-relay-0: top frames"
        jfr print --events "$ev" "$WORK/relay.jfr" | awk '
            /sampledThread = "media-relay-0"/ { want = 1; next }
            /stackTrace = \[/ { if (want) { grab = 1 } next }
            grab { sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); top[$0]++; n++; grab = 0; want = 0 }
            END { for (f in top) printf "%6d %5.1f%%  %s\n", top[f], 100 * top[f] / n, f }' |
            sort -rn | head -15 >&2
    done
    log "JFR file: $WORK/relay.jfr (kept with BENCH_KEEP=1)"
}

# --- calls -----------------------------------------------------------------------------------
calls() {
    local streams=$((2 * CALLS)) pps=$((2 * CALLS * CALL_PPS))
    local GEN_SOCKETS=per-stream GEN_BATCH=1 # every call has its own ports, as phones do
    STREAMS=$CALLS check_ports
    start_java calls --sessions "$CALLS" --two-way --threads 1 --report-seconds 10
    local tid
    tid=$(relay_thread "$RELAY_PID")
    log "calls: $CALLS two-way calls ($streams streams), $CALL_PPS pps each way, $pps pps, $CALL_DURATION s"
    : >"$ROWS"
    gen "java-calls" "$pps" "$CALL_DURATION" "$tid" || true
    stop_relay
    grep -E '^(HEAP|STATUS|RELAY_ALLOC|METRIC)' "$WORK/calls.out" | sed 's/^/    /' >&2
    print_table
    local r lost before after
    r=$(cat "$ROWS")
    lost=$(field "$r" lost)
    before=$(awk '/^HEAP phase=sessions_up/ { sub(/.*live_kib=/, ""); print $1 + 0 }' "$WORK/calls.out")
    after=$(awk '/^HEAP phase=after_traffic/ { sub(/.*live_kib=/, ""); print $1 + 0 }' "$WORK/calls.out")
    log "calls: lost ${lost:-?}; live heap ${before:-?} KiB after set-up, ${after:-?} KiB after $CALL_DURATION s of traffic"
    [[ "$lost" == 0 ]] || FAILED=1
}

[[ "$MODE" == throughput || "$MODE" == all ]] && throughput
[[ "$MODE" == calls || "$MODE" == all ]] && calls
exit $FAILED
