"""Writes the server's OpenAPI document (as served at /api/v1/openapi.json) without starting a
server: `python scripts/export-openapi.py [OUT.json]` (stdout without OUT). The web client's API
types are generated from it (scripts/generate-web-types.sh)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from twinspace.app.factory import openapi_spec


def main(argv: list[str]) -> int:
    text = json.dumps(openapi_spec(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
