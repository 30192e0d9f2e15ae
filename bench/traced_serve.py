"""`twinspace serve` under tracemalloc, for bench/memory_parts.py.

    python bench/traced_serve.py serve --data DIR --port PORT

On SIGUSR1 the server collects garbage, takes a tracemalloc snapshot and writes it to
``$TRACED_SNAPSHOT.<n>`` (n = 0, 1, ...), then ``$TRACED_SNAPSHOT.<n>.done``. Tracing starts
at the first signal (start-up under tracemalloc is slow, and only what is allocated between two
snapshots is compared). Frames kept per allocation: ``$TRACED_FRAMES`` (default 25).

Beside each snapshot it writes ``<snapshot>.census.json``: the objects the garbage collector
tracks, counted and sized (``sys.getsizeof``) by type, and the allocators' own figures: pymalloc's
(``sys._debugmallocstats``: arenas, bytes in used blocks, free blocks in used pools) and glibc
malloc's (``mallinfo2``: its heap, in use and free), where the Python objects live and what
they leave unused (pymalloc reports nothing while tracemalloc traces: its hooks replace it).

``$TRACED_HOOK``, if set, names a Python file that SIGUSR2 runs in the server (ad hoc
inspection of live objects); the string it leaves in ``RESULT`` is written to
``$TRACED_SNAPSHOT.hook``.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import re
import signal
import sys
import tempfile
import tracemalloc
from collections import defaultdict
from pathlib import Path
from types import FrameType
from typing import Any


def census() -> dict[str, list[int]]:
    """type name -> [count, bytes] of every object the collector tracks."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for obj in gc.get_objects():
        entry = found[type(obj).__qualname__]
        entry[0] += 1
        entry[1] += sys.getsizeof(obj)
    return dict(found)


PYMALLOC_FIGURES = {
    "arenas": r"# arenas allocated current\s*=\s*([\d,]+)",
    "used_blocks": r"# bytes in allocated blocks\s*=\s*([\d,]+)",
    "free_blocks": r"# bytes in available blocks\s*=\s*([\d,]+)",
    "free_pools": r"(\d+) unused pools \* \d+ bytes\s*=\s*([\d,]+)",
    "total": r"^Total\s*=\s*([\d,]+)",
}


def pymalloc() -> dict[str, int]:
    """pymalloc's figures, from the report `sys._debugmallocstats` writes to the C stderr."""
    with tempfile.TemporaryFile() as out:
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(out.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read().decode(errors="replace")
    figures: dict[str, int] = {}
    for name, pattern in PYMALLOC_FIGURES.items():
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            figures[name] = int(match.groups()[-1].replace(",", ""))
    return figures


class MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def glibc_malloc() -> dict[str, int]:
    """glibc's main-arena heap: its size, the bytes in use and free in it, mmapped blocks."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
    except (OSError, AttributeError):
        return {}
    info = libc.mallinfo2()
    return {
        "heap": info.arena,
        "in_use": info.uordblks,
        "free": info.fordblks,
        "mmapped": info.hblkhd,
    }


def main() -> None:
    frames = int(os.environ.get("TRACED_FRAMES", "25"))
    base = os.environ["TRACED_SNAPSHOT"]
    taken = 0

    def dump(signum: int, frame: FrameType | None) -> None:
        nonlocal taken
        if not tracemalloc.is_tracing():
            tracemalloc.start(frames)
        gc.collect()
        path = Path(f"{base}.{taken}")
        tracemalloc.take_snapshot().dump(str(path))
        extra: dict[str, Any] = {
            "types": census(),
            "pymalloc": pymalloc(),
            "malloc": glibc_malloc(),
        }
        Path(f"{path}.census.json").write_text(json.dumps(extra))
        Path(f"{path}.done").write_text("")
        taken += 1

    signal.signal(signal.SIGUSR1, dump)
    hook = os.environ.get("TRACED_HOOK")
    if hook:  # ad hoc inspection: SIGUSR2 runs the file and writes its RESULT beside

        def run_hook(signum: int, frame: FrameType | None) -> None:
            scope: dict[str, Any] = {}
            try:
                exec(Path(hook).read_text(), scope)
                text = str(scope.get("RESULT"))
            except Exception as exc:
                import traceback

                text = "".join(traceback.format_exception(exc))
            Path(f"{base}.hook").write_text(text)

        signal.signal(signal.SIGUSR2, run_hook)
    from twinspace.app.cli import main as cli

    sys.argv = ["twinspace", *sys.argv[1:]]
    cli()


if __name__ == "__main__":
    main()
