#!/usr/bin/env bash
# Installs the web client's npm packages (web/: linter, type-checker, build) and the type
# generators (web/codegen/: openapi-typescript needs TypeScript 5's compiler API, the client
# type-checks with TypeScript 7), once per lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "npm is missing: cannot lint the web client or generate its types" >&2
  exit 1
fi
for dir in web web/codegen; do
  stamp="$dir/node_modules/.stamp-tools-$(cat "$dir/package.json" "$dir/package-lock.json" | sha1sum | cut -c1-12)"
  [ -f "$stamp" ] && continue
  (cd "$dir" && npm ci --no-audit --no-fund --silent)
  touch "$stamp"
done
