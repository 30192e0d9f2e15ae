#!/usr/bin/env bash
# Installs Debian's coturn (the `turnserver` binary), once: the browser test of class-to-class
# video starts a real TURN server with a shared secret and proves a relay-only call (README,
# Class-to-class video). Nothing is configured or started as a service here.
set -euo pipefail
if command -v turnserver >/dev/null; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "coturn is missing and apt-get is not available: the TURN test will skip (fail under CI=true)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
echo "installing Debian's coturn" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends coturn >/dev/null
