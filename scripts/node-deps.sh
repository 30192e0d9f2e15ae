#!/usr/bin/env bash
# Installs the npm packages the interop tests use (tests/node: yjs, y-websocket, ws) and the
# benchmarks use (bench/node: also @y/websocket-server, @hocuspocus/server), once per lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "npm is missing: node interop tests will skip (fail under CI=true)" >&2
  exit 0
fi
for dir in tests/node bench/node; do
  [ -f "$dir/package.json" ] || continue
  stamp="$dir/node_modules/.stamp-$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha1sum | cut -c1-12)"
  [ -f "$stamp" ] && continue
  (cd "$dir" && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi)
  touch "$stamp"
done
