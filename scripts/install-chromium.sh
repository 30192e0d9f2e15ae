#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests, once.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "color emoji"; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "chromium is missing and apt-get is not available: browser tests will skip (fail under CI=true)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
echo "installing Debian's chromium for browser tests..." >&2
$SUDO apt-get update -qq
# The emoji font makes chat reactions render in screenshots.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-color-emoji \
  >/dev/null
