#!/usr/bin/env bash
# Installs Debian's haproxy, once: tests/cluster/test_haproxy.py renders deploy/haproxy.cfg for
# two local backends and drives clients through a real haproxy process (deploy/README.md).
# Nothing is configured or started as a service here.
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "haproxy is missing and apt-get is not available: the HAProxy test will skip (fail under CI=true)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
echo "installing Debian's haproxy" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends haproxy >/dev/null
