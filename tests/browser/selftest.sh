#!/usr/bin/env bash
# Self-test of the browser side, no server: two Chromium pages connect raw RTCPeerConnections
# with the page's candidate filter; audio bytes and decoded video frames must grow both ways and
# the selected candidate pair must be 127.0.0.1 <-> 127.0.0.1.
#
# Run in a new network namespace that has only the loopback (as the Java ITs are, see
# tests/netns/bin/java): outside one, Chromium also pairs its other interfaces' sockets with the
# peer's 127.0.0.1 candidate and selects such a pair, so media would leave 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ "${1:-}" = "--no-netns" ]; then
  shift
  exec node run.mjs selftest "$@"
fi
exec unshare --net -- sh -c 'ip link set lo up && exec node run.mjs selftest "$@"' sh "$@"
