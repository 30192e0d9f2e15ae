#!/usr/bin/env bash
# Builds the browser client into web/dist when web/ sources changed; says so when npm is missing.
set -euo pipefail
cd "$(dirname "$0")/../web" 2>/dev/null || { echo "no web/ client yet" >&2; exit 0; }
if ! command -v npm >/dev/null; then
  echo "node/npm are missing: the web client is not built; the server still starts (API only)" >&2
  exit 0
fi
hash=$( (cat package.json package-lock.json 2>/dev/null; find src index.html vite.config.* tsconfig*.json public -type f 2>/dev/null | sort | xargs cat 2>/dev/null) | sha1sum | cut -c1-12)
if [ -f "dist/.stamp-$hash" ]; then exit 0; fi
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
npm run build --silent
touch "dist/.stamp-$hash"
