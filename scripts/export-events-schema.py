"""Writes the events socket's protocol as JSON Schema (twinspace/face/sockets/events_protocol.py):
`python scripts/export-events-schema.py [OUT.json]` (stdout without OUT). The web client's
event types are generated from it (scripts/generate-web-types.sh)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from twinspace.face.sockets.events_protocol import events_json_schema


def main(argv: list[str]) -> int:
    text = json.dumps(events_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
