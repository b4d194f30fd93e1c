#!/usr/bin/env bash
# End-to-end call test with two baresip 1.0.0 user agents (alice calls bob).
#
#   tests/baresip/call-test.sh --server 127.0.0.1:PORT [--transport udp|tcp]
#        [--caller-codec pcmu|pcma|opus] [--callee-codec pcmu|pcma|opus] [--seconds 5]
#   tests/baresip/call-test.sh --direct [...]      # self-test: no server, alice dials bob's address
#   tests/baresip/call-test.sh --server IP:PORT --no-caller [...]  # bob only; another UA calls him
#
# Exit 0 only if: both UAs registered (server mode: REGISTER answered 200), the call was
# established on both sides, it was closed on both sides after alice hung up, and the
# audio recorded on BOTH sides is a non-silent tone of the peer's frequency.
# See tests/baresip/README.md. Needs: baresip (>= 1.0.0, Debian package), python3.
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DRIVER="$HERE/baresip_driver.py"

usage() {
    cat <<'EOF'
usage: call-test.sh (--server HOST:PORT | --direct) [options]

  --server IP:PORT       registrar/B2BUA to register with and to call through (outbound proxy);
                         a numeric IPv4 address (a name, even localhost, fails in baresip 1.0.0)
  --direct               no server: no registration, alice dials sip:bob@127.0.0.1:<bob port>
  --no-callee            start alice only: she calls --dial (another UA, e.g. a browser, answers);
                         only alice's side is checked (received audio: --callee-tone is the far
                         end's tone)
  --no-caller            start bob only (auto-answer, registered with --server): once registered
                         he prints "READY registered", waits up to --call-timeout for a call from
                         another UA (e.g. a browser), keeps it until the far end hangs up or
                         --seconds elapse (then bob hangs up); only bob's side is checked
                         (received audio: --caller-tone is the far end's tone)
  --call-timeout S       how long the call may take to be established (default 15; --no-caller:
                         how long bob waits for the incoming call, default 60)
  --ready-file F         --no-caller: also write F once bob is registered
  --transport udp|tcp    SIP transport (default udp)
  --caller-codec C       alice's only audio codec: pcmu, pcma or opus (default pcmu)
  --callee-codec C       bob's only audio codec (default pcmu)
  --seconds N            how long the call is held before alice hangs up (default 5);
                         --no-caller: the longest bob keeps the call before he hangs up
  --domain D             SIP domain of the accounts (default localhost)
  --caller USER:PASS     (default alice:alice123)
  --callee USER:PASS     (default bob:bob123)
  --dial URI             what alice dials (default sip:<callee>@<domain>, direct: bob's address)
  --regint SEC           registration interval/Expires asked for (default 3600)
  --caller-tone HZ       sine tone alice sends (default 440)
  --callee-tone HZ       sine tone bob sends (default 1000)
  --no-tone-check        only check energy, not that the received tone is the peer's
  --min-rms R            minimum RMS of received audio, 16-bit scale (default 1000)
  --min-active S         minimum seconds of non-silent received audio (default: half of --seconds;
                         --no-caller: half of the call's actual length, at least 1)
  --mute caller|callee   mute that side once the call is up (negative self-test: must FAIL)
  --workdir DIR          put configs/logs/recordings in DIR (kept); default: a temp dir,
                         removed on success, kept on failure
  --keep                 keep the temp dir even on success
  --timeout S            hard bound for the whole run (default: seconds + 60;
                         --no-caller: call-timeout + seconds + 60)
  -h, --help
EOF
}

MODE="" SERVER="" TRANSPORT=udp CALLER_CODEC=pcmu CALLEE_CODEC=pcmu SECONDS_=5
DOMAIN=localhost CALLER=alice:alice123 CALLEE=bob:bob123 DIAL="" REGINT=3600
CALLER_TONE=440 CALLEE_TONE=1000 TONE_CHECK=1 MIN_RMS=1000 MIN_ACTIVE="" MUTE=""
WORKDIR="" KEEP=0 TIMEOUT="" NO_CALLEE=0 NO_CALLER=0 CALL_TIMEOUT="" READY_FILE=""

die() { echo "call-test: $*" >&2; exit 2; }
need() { [ $# -ge 2 ] && [ -n "$2" ] || die "option $1 needs a value"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --server) need "$@"; MODE=server; SERVER="$2"; shift 2;;
        --direct) MODE=direct; shift;;
        --no-callee) NO_CALLEE=1; shift;;
        --no-caller) NO_CALLER=1; shift;;
        --call-timeout) need "$@"; CALL_TIMEOUT="$2"; shift 2;;
        --ready-file) need "$@"; READY_FILE="$2"; shift 2;;
        --transport) need "$@"; TRANSPORT="$2"; shift 2;;
        --caller-codec) need "$@"; CALLER_CODEC="$2"; shift 2;;
        --callee-codec) need "$@"; CALLEE_CODEC="$2"; shift 2;;
        --seconds) need "$@"; SECONDS_="$2"; shift 2;;
        --domain) need "$@"; DOMAIN="$2"; shift 2;;
        --caller) need "$@"; CALLER="$2"; shift 2;;
        --callee) need "$@"; CALLEE="$2"; shift 2;;
        --dial) need "$@"; DIAL="$2"; shift 2;;
        --regint) need "$@"; REGINT="$2"; shift 2;;
        --caller-tone) need "$@"; CALLER_TONE="$2"; shift 2;;
        --callee-tone) need "$@"; CALLEE_TONE="$2"; shift 2;;
        --no-tone-check) TONE_CHECK=0; shift;;
        --min-rms) need "$@"; MIN_RMS="$2"; shift 2;;
        --min-active) need "$@"; MIN_ACTIVE="$2"; shift 2;;
        --mute) need "$@"; MUTE="$2"; shift 2;;
        --workdir) need "$@"; WORKDIR="$2"; shift 2;;
        --keep) KEEP=1; shift;;
        --timeout) need "$@"; TIMEOUT="$2"; shift 2;;
        -h|--help) usage; exit 0;;
        *) usage >&2; die "unknown argument: $1";;
    esac
done

[ -n "$MODE" ] || { usage >&2; die "give --server HOST:PORT or --direct"; }
case "$TRANSPORT" in udp|tcp) ;; *) die "--transport must be udp or tcp";; esac
codec_param() {
    case "$1" in
        pcmu|PCMU) echo "pcmu";;
        pcma|PCMA) echo "pcma";;
        # baresip 1.0.0 defaults to 8000/1 when srate/ch are omitted: opus needs them
        opus|OPUS) echo "opus/48000/2";;
        *) die "unsupported codec '$1' (pcmu, pcma, opus)";;
    esac
}
CALLER_AC=$(codec_param "$CALLER_CODEC") || exit 2
CALLEE_AC=$(codec_param "$CALLEE_CODEC") || exit 2
[[ "$SECONDS_" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--seconds must be a number"
case "$MUTE" in ""|caller|callee) ;; *) die "--mute must be caller or callee";; esac
if [ "$MODE" = server ]; then
    # a name (even "localhost") fails in baresip 1.0.0: "Register: Destination address required"
    [[ "$SERVER" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+$ ]] \
        || die "--server must be IPv4:PORT, e.g. 127.0.0.1:5060 (baresip 1.0.0 does not resolve names here)"
fi
CALLER_USER=${CALLER%%:*} CALLER_PASS=${CALLER#*:}
CALLEE_USER=${CALLEE%%:*} CALLEE_PASS=${CALLEE#*:}
if [ "$NO_CALLER" = 1 ]; then
    [ "$NO_CALLEE" = 0 ] || die "--no-caller and --no-callee exclude each other"
    [ "$MODE" = server ] || die "--no-caller needs --server (bob must register to be called)"
    [ -z "$MUTE" ] || die "--mute is not supported with --no-caller"
    [ -n "$CALL_TIMEOUT" ] || CALL_TIMEOUT=60
fi
[ -n "$CALL_TIMEOUT" ] || CALL_TIMEOUT=15
[[ "$CALL_TIMEOUT" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--call-timeout must be a number"
# --no-caller: the call's length is decided by the far end; MIN_ACTIVE is set after the call
[ -n "$MIN_ACTIVE" ] || [ "$NO_CALLER" = 1 ] || MIN_ACTIVE=$(python3 -c "print(round($SECONDS_ * 0.5, 2))")
if [ -z "$TIMEOUT" ]; then
    if [ "$NO_CALLER" = 1 ]; then
        TIMEOUT=$(python3 -c "print(int($CALL_TIMEOUT + $SECONDS_ + 60))")
    else
        TIMEOUT=$(python3 -c "print(int($SECONDS_ + 60))")
    fi
fi

command -v baresip >/dev/null || die "baresip not installed (apt-get install -y baresip-core)"
command -v python3 >/dev/null || die "python3 not found"
MODDIR=/usr/lib/baresip/modules
for m in g711 opus ausine sndfile menu ctrl_tcp account; do
    [ -f "$MODDIR/$m.so" ] || die "baresip module $MODDIR/$m.so missing"
done

# ---------------------------------------------------------------------------- workdir
if [ -n "$WORKDIR" ]; then
    mkdir -p "$WORKDIR" || die "cannot create $WORKDIR"
    WORKDIR=$(cd "$WORKDIR" && pwd); KEEP=1
    rm -rf "$WORKDIR/alice" "$WORKDIR/bob" "$WORKDIR"/*.log "$WORKDIR"/*.jsonl "$WORKDIR/result.json"
else
    WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/baresip-call-test.XXXXXX") || die "mktemp failed"
fi

PIDS=()
RC=1
cleanup() {
    local p i
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for i in $(seq 1 30); do
        local alive=0
        for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    if [ "$RC" = 0 ] && [ "$KEEP" = 0 ]; then
        rm -rf "$WORKDIR"
    else
        echo "call-test: files kept in $WORKDIR"
    fi
}
trap cleanup EXIT
trap 'echo "call-test: interrupted" >&2; exit 130' INT TERM HUP

# ---------------------------------------------------------------------------- ports
read -r ALICE_SIP BOB_SIP ALICE_CTRL BOB_CTRL <<<"$(python3 "$DRIVER" freeports 4)"
[ -n "${BOB_CTRL:-}" ] || die "could not find free ports"

# ---------------------------------------------------------------------------- configs
# write_config NAME SIPPORT CTRLPORT TONE
write_config() {
    local dir="$WORKDIR/$1"
    mkdir -p "$dir/rec"
    cat >"$dir/config" <<EOF
# generated by tests/baresip/call-test.sh for baresip 1.0.0
poll_method		epoll
sip_listen		127.0.0.1:$2
# net_interface must be an address: 'lo' fails in 1.0.0 ("could not get network address").
# It makes SDP c= and media sockets use 127.0.0.1 instead of the host's first interface.
net_interface		127.0.0.1
call_local_timeout	30
call_max_calls		4
# no audio hardware: the source is a sine tone, no player module is loaded at all
# (received audio is still decoded and passes through the sndfile filter)
audio_source		ausine,$4
audio_player		none,nil
audio_alert		none,nil
# ausine only produces 48 kHz stereo: let baresip resample to the codec's rate
ausrc_srate		48000
ausrc_channels		2
audio_buffer		20-160
jitter_buffer_delay	5-10
rtp_tos			0
rtcp_mux		no

module_path		$MODDIR
module			g711.so
module			opus.so
module			ausine.so
module			sndfile.so
module_tmp		uuid.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so

ctrl_tcp_listen		127.0.0.1:$3
snd_path		$dir/rec
opus_bitrate		28000
EOF
}
write_config alice "$ALICE_SIP" "$ALICE_CTRL" "$CALLER_TONE"
write_config bob "$BOB_SIP" "$BOB_CTRL" "$CALLEE_TONE"

if [ "$MODE" = server ]; then
    # outbound= is baresip's outbound proxy: REGISTER (Request-URI sip:DOMAIN) and INVITE
    # (sip:bob@DOMAIN) are sent to the server; the domain itself is never resolved.
    OB="outbound=\"sip:$SERVER;transport=$TRANSPORT\""
    echo "<sip:$CALLER_USER@$DOMAIN>;auth_pass=$CALLER_PASS;$OB;regint=$REGINT;answermode=manual;audio_codecs=$CALLER_AC" \
        >"$WORKDIR/alice/accounts"
    echo "<sip:$CALLEE_USER@$DOMAIN>;auth_pass=$CALLEE_PASS;$OB;regint=$REGINT;answermode=auto;audio_codecs=$CALLEE_AC" \
        >"$WORKDIR/bob/accounts"
    [ -n "$DIAL" ] || DIAL="sip:$CALLEE_USER@$DOMAIN"
else
    # regint=0: no REGISTER at all
    # (a ;transport= in the AOR would be appended to every dialled URI again)
    echo "<sip:$CALLER_USER@127.0.0.1:$ALICE_SIP>;regint=0;answermode=manual;audio_codecs=$CALLER_AC" \
        >"$WORKDIR/alice/accounts"
    echo "<sip:$CALLEE_USER@127.0.0.1:$BOB_SIP>;regint=0;answermode=auto;audio_codecs=$CALLEE_AC" \
        >"$WORKDIR/bob/accounts"
    [ -n "$DIAL" ] || DIAL="sip:$CALLEE_USER@127.0.0.1:$BOB_SIP;transport=$TRANSPORT"
fi
# empty contacts file (otherwise baresip writes a template with example contacts)
: >"$WORKDIR/alice/contacts"; : >"$WORKDIR/bob/contacts"

echo "call-test: mode=$MODE${SERVER:+ server=$SERVER} transport=$TRANSPORT" \
     "caller=$CALLER_USER/$CALLER_CODEC(${CALLER_TONE}Hz, sip :$ALICE_SIP, ctrl :$ALICE_CTRL)" \
     "callee=$CALLEE_USER/$CALLEE_CODEC(${CALLEE_TONE}Hz, sip :$BOB_SIP, ctrl :$BOB_CTRL)" \
     "seconds=$SECONDS_ dial=$DIAL workdir=$WORKDIR"

# ---------------------------------------------------------------------------- run
START=$(date +%s)
start_ua() { # NAME
    # -s: SIP trace into the log; stdin must not be a tty/pipe we care about
    timeout -k 3 "$TIMEOUT" baresip -s -f "$WORKDIR/$1" </dev/null >"$WORKDIR/$1.log" 2>&1 &
    PIDS+=($!)
}
if [ "$NO_CALLER" = 1 ]; then
    ALICE_PID=0 ALICE_CTRL=0
    start_ua bob; BOB_PID=${PIDS[0]}
    UAS=(bob)
else
    start_ua alice; ALICE_PID=${PIDS[0]}
    if [ "$NO_CALLEE" = 1 ]; then
        BOB_PID=0 BOB_CTRL=0
        [ -n "$DIAL" ] && [ "$MODE" = server ] || die "--no-callee needs --server and --dial"
    else
        start_ua bob; BOB_PID=${PIDS[1]}
    fi
    UAS=(alice); [ "$NO_CALLEE" = 1 ] || UAS+=(bob)
fi

REG_ARG=(); [ "$MODE" = server ] && REG_ARG=(--register)
MUTE_ARG=()
[ "$MUTE" = caller ] && MUTE_ARG=(--mute alice)
[ "$MUTE" = callee ] && MUTE_ARG=(--mute bob)
EXTRA_ARG=(--call-timeout "$CALL_TIMEOUT")
[ -n "$READY_FILE" ] && EXTRA_ARG+=(--ready-file "$READY_FILE")
# run in the background and `wait`: a TERM/INT sent to this script then runs the trap at once
timeout -k 3 "$TIMEOUT" python3 "$DRIVER" drive \
    --alice-ctrl "$ALICE_CTRL" --bob-ctrl "$BOB_CTRL" \
    --alice-pid "$ALICE_PID" --bob-pid "$BOB_PID" \
    --dial "$DIAL" --seconds "$SECONDS_" "${REG_ARG[@]}" "${MUTE_ARG[@]}" "${EXTRA_ARG[@]}" \
    --outdir "$WORKDIR" --result "$WORKDIR/result.json" &
DRIVER_PID=$!
PIDS+=("$DRIVER_PID")
wait "$DRIVER_PID"
DRIVE_RC=$?

# the driver sent "quit"; give both a bounded time to unregister and exit
for i in $(seq 1 100); do
    { [ "$ALICE_PID" != 0 ] && kill -0 "$ALICE_PID" 2>/dev/null; } \
        || { [ "$BOB_PID" != 0 ] && kill -0 "$BOB_PID" 2>/dev/null; } || break
    sleep 0.1
done
for p in "${PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
        echo "call-test: baresip pid $p did not quit within 10s, killing it"
        kill -TERM "$p" 2>/dev/null
    fi
done
wait "${PIDS[@]:0:${#UAS[@]}}" 2>/dev/null

# ---------------------------------------------------------------------------- checks
FAILS=()
res() { python3 -c "import json,sys; r=json.load(open('$WORKDIR/result.json')); print($1)" 2>/dev/null; }

echo "==================== baresip call test summary ===================="
if [ ! -f "$WORKDIR/result.json" ]; then
    FAILS+=("driver produced no result (rc=$DRIVE_RC)")
else
    ERR=$(res "r.get('error') or ''")
    [ -n "$ERR" ] && FAILS+=("driver: $ERR")
fi

if [ "$MODE" = server ]; then
    for ua in "${UAS[@]}"; do
        printf "  "
        if python3 "$DRIVER" siptrace "$WORKDIR/$ua.log" --label "$ua"; then
            echo "  $ua registered: OK"
        else
            FAILS+=("$ua: no 200 OK to REGISTER")
        fi
    done
else
    echo "  registration: skipped (--direct)"
fi

for ua in "${UAS[@]}"; do
    est=$(res "r['established'].get('$ua', False)")
    clo=$(res "r['closed'].get('$ua', False)")
    echo "  $ua call established: ${est:-False}, call closed: ${clo:-False}"
    [ "$est" = True ] || FAILS+=("$ua: call not established")
    [ "$clo" = True ] || FAILS+=("$ua: call not closed")
done

# audio: what alice decoded must be bob's tone and vice versa
if [ "$TONE_CHECK" = 1 ]; then A_EXP=$CALLEE_TONE; B_EXP=$CALLER_TONE; else A_EXP=0; B_EXP=0; fi
if [ "$NO_CALLER" = 1 ]; then
    SPECS=("bob:$B_EXP")
    CALL_S=$(res "r.get('call_seconds') or 0")
    echo "  call held ${CALL_S:-0}s, hung up by: $(res "r.get('hangup_by')")"
    [ -n "$MIN_ACTIVE" ] || MIN_ACTIVE=$(python3 -c "print(round(max(1.0, ${CALL_S:-0} * 0.5), 2))")
else
    SPECS=("alice:$A_EXP"); [ "$NO_CALLEE" = 1 ] || SPECS+=("bob:$B_EXP")
fi
for spec in "${SPECS[@]}"; do
    ua=${spec%%:*} exp=${spec#*:}
    printf '  '
    if ! python3 "$DRIVER" analyze --dir "$WORKDIR/$ua/rec" --kind dec --label "$ua" \
            --min-rms "$MIN_RMS" --min-active "$MIN_ACTIVE" --expect-freq "$exp"; then
        FAILS+=("$ua: received audio is silent or wrong (no media from the peer)")
    fi
done

echo "  elapsed: $(( $(date +%s) - START ))s"
if [ ${#FAILS[@]} -eq 0 ]; then
    RC=0
    echo "RESULT: PASS"
else
    for f in "${FAILS[@]}"; do echo "  FAILED: $f"; done
    echo "FIRST FAILURE: ${FAILS[0]}"
    echo "RESULT: FAIL"
    for ua in "${UAS[@]}"; do
        echo "-------------------- tail of $ua.log --------------------"
        tail -n 60 "$WORKDIR/$ua.log" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g'
    done
    echo "----------------------------------------------------------"
fi
exit $RC
