#!/usr/bin/env bash
# The JVM that failsafe forks for the gateway's integration tests (gateway/pom.xml, <jvm>):
# runs java in a new network namespace whose only interface is the loopback, so that the
# server, SIPp, baresip, Node and Chromium the tests start can only talk over 127.0.0.1.
# Chromium pairs every local interface with a peer's 127.0.0.1 candidate and prefers a
# non-loopback one; with no other interface there, WebRTC media stays on 127.0.0.1.
# Surefire talks to the fork over stdin/stdout, which crosses the namespace.
# Falls back to plain java (with a warning) where unshare is not permitted;
# IT_NETNS=0 turns the namespace off.
JAVA="${IT_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
JAVA="${JAVA:-java}"
if [ "${IT_NETNS:-1}" != 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
    && unshare --net true 2>/dev/null; then
  exec unshare --net -- sh -c 'ip link set lo up && exec "$0" "$@"' "$JAVA" "$@"
fi
if [ "${IT_NETNS:-1}" != 0 ] && unshare --map-root-user --net true 2>/dev/null; then
  exec unshare --map-root-user --net -- sh -c 'ip link set lo up && exec "$0" "$@"' "$JAVA" "$@"
fi
echo "tests/netns/java.sh: no network namespace (unshare not permitted); running java as is" >&2
exec "$JAVA" "$@"
