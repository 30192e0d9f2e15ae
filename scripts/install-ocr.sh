#!/usr/bin/env bash
# Installs Debian's Tesseract OCR with the language packs of the demo's and the main partner
# countries, once: text inside pupils' uploaded pictures is read by it (README, Pupil safety).
set -euo pipefail
LANGS=(eng pol ita fin deu fra spa)
missing=()
if command -v tesseract >/dev/null; then
  installed="$(tesseract --list-langs 2>&1 || true)"
  for lang in "${LANGS[@]}"; do
    grep -qx "$lang" <<<"$installed" || missing+=("tesseract-ocr-$lang")
  done
  if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
else
  missing=(tesseract-ocr "${LANGS[@]/#/tesseract-ocr-}")
fi
if ! command -v apt-get >/dev/null; then
  echo "Tesseract is missing and apt-get is not available: OCR tests will skip (fail under CI=true)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo -n"; fi
echo "installing Debian's Tesseract OCR: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
