#!/usr/bin/env bash
# Starts the server in the foreground with conf/ (or --conf DIR). Builds what is missing first.
# SIGTERM / Ctrl-C shuts down cleanly: live calls get BYE, records are flushed.
set -euo pipefail
cd "$(dirname "$0")"

jar=$(ls gateway/target/gateway-*.jar 2>/dev/null | head -n 1 || true)
if [[ -z "$jar" || ! -d gateway/target/lib ]] \
   || [[ -n "$(find pom.xml */pom.xml */src -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  echo "run.sh: building (mvn package) ..." >&2
  mvn -B -q -DskipTests package >&2
  jar=$(ls gateway/target/gateway-*.jar | head -n 1)
fi

exec java ${JAVA_OPTS:--Xms256m -Xmx2g} -XX:+ExitOnOutOfMemoryError \
  -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager \
  -cp "$jar:gateway/target/lib/*" org.opentelephony.gateway.Main "$@"
