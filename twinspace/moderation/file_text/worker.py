"""The child process that reads one file: `python -m twinspace.moderation.file_text.worker`.

It takes one JSON request on standard input (`path`, `reader`, `filename`, `limits`,
`memory_bytes`, `cpu_seconds`), limits its own address space and CPU time before importing
any reader library, and writes one JSON answer on standard output: `{"text", "truncated"}` or
`{"unreadable": reason}`. The server kills its whole process group at the time limit, so a
hostile file costs at most that much time and memory (README.md, Pupil safety).
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path
from typing import Any


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def run(request: dict[str, Any]) -> dict[str, Any]:
    from twinspace.moderation.file_text.readers import READERS, Limits, Unreadable
    from twinspace.moderation.file_text.sink import TextFull, TextSink

    limits = Limits(**request["limits"])
    sink = TextSink(limits.max_chars)
    try:
        READERS[request["reader"]](Path(request["path"]), request["filename"], sink, limits)
    except TextFull:
        pass
    except Unreadable as exc:
        return {"unreadable": str(exc)}
    except (MemoryError, RecursionError):
        return {"unreadable": "the file needs more memory than is allowed to read it"}
    return {"text": sink.text(), "truncated": sink.truncated}


def main() -> None:
    request = json.loads(sys.stdin.read())
    _limit(int(request.get("memory_bytes", 0)), int(request.get("cpu_seconds", 0)))
    answer = run(request)
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
