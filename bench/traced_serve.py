"""`twinspace serve` under tracemalloc, for bench/memory_parts.py.

    python bench/traced_serve.py serve --data DIR --port PORT

On SIGUSR1 the server collects garbage, takes a tracemalloc snapshot and writes it to
``$TRACED_SNAPSHOT.<n>`` (n = 0, 1, ...), then ``$TRACED_SNAPSHOT.<n>.done``. Tracing starts
at the first signal (start-up under tracemalloc is slow, and only what is allocated between two
snapshots is compared). Frames kept per allocation: ``$TRACED_FRAMES`` (default 25).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType


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
        Path(f"{path}.done").write_text("")
        taken += 1

    signal.signal(signal.SIGUSR1, dump)
    from twinspace.app.cli import main as cli

    sys.argv = ["twinspace", *sys.argv[1:]]
    cli()


if __name__ == "__main__":
    main()
