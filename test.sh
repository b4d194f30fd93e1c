#!/usr/bin/env bash
# Runs every test: unit tests, the malformed-SIP corpus, and the integration tests against real
# peers (SIPp, baresip) on loopback. Installs the Debian packages the tests need when missing.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v baresip >/dev/null 2>&1 || need+=(baresip-core)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# browser tests (tests/browser): Debian's Chromium driven by playwright-core from npm
[[ -x /usr/bin/chromium ]] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if ((${#need[@]})); then
  echo "test.sh: installing ${need[*]}" >&2
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [[ ! -d tests/browser/node_modules ]]; then
  echo "test.sh: npm ci in tests/browser" >&2
  (cd tests/browser && npm ci --no-audit --no-fund >&2)
fi

exec mvn -B ${MVN_ARGS:-} verify "$@"
