#!/usr/bin/env bash
# Regenerates the web client's API and event types (scripts/generate-web-types.sh) and fails
# when they differ from the checked-in files: the server and the client cannot drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/generate-web-types.sh >/dev/null
stale=0
git diff --exit-code --stat -- web/src/api || stale=1
untracked=$(git ls-files --others --exclude-standard -- web/src/api)
if [ -n "$untracked" ]; then
  echo "not committed: $untracked"
  stale=1
fi
if [ "$stale" -ne 0 ]; then
  echo "web/src/api/ is out of date with the server: commit what scripts/generate-web-types.sh wrote" >&2
  exit 1
fi
echo "web/src/api/ matches the server's OpenAPI document and events schema"
