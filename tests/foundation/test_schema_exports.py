"""The schema exports the web client's types are generated from (scripts/generate-web-types.sh)
say what the running server says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.server import LiveServer

ROOT = Path(__file__).resolve().parents[2]


def export(script: str, out: Path) -> object:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "scripts" / script), str(out)], check=True, env=env)
    return json.loads(out.read_text(encoding="utf-8"))


async def test_the_exported_openapi_document_is_the_served_one(
    server: LiveServer, tmp_path: Path
) -> None:
    async with server.client() as http:
        served = (await http.get("/api/v1/openapi.json")).json()
    exported = export("export-openapi.py", tmp_path / "openapi.json")
    assert exported == served
    message = served["components"]["schemas"]["MessageView"]
    # a response carries every field, defaulted ones too: generated clients rely on it
    assert {"reactions", "reply_count"} <= set(message["required"])


def test_the_exported_events_schema_names_every_event_and_client_message(tmp_path: Path) -> None:
    schema = export("export-events-schema.py", tmp_path / "events.json")
    assert isinstance(schema, dict)
    events = schema["$defs"]["ServerEvents"]
    assert set(events["required"]) == set(events["properties"]) and "hello" in events["required"]
    assert schema["properties"]["client"] == {"$ref": "#/$defs/ClientMessage"}
    # optional keys of a server event stay optional (sent only with some error codes)
    assert "retry_after" not in schema["$defs"]["ErrorReply"]["required"]
