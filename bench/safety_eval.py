"""Pupil-safety figures: ``scan_text`` on tests/data/safety_eval, dev and held-out apart.

    PYTHONPATH=. .venv/bin/python bench/safety_eval.py            # tables on stdout
    PYTHONPATH=. .venv/bin/python bench/safety_eval.py --mistakes # and the dev mistakes
                                                 # (dev, round5- to round8-dev; held-out
                                                 # splits are printed as numbers only)
    PYTHONPATH=. .venv/bin/python bench/safety_eval.py --speed    # messages/s as well
    PYTHONPATH=. .venv/bin/python bench/safety_eval.py --split dev --languages cs,es
                                                 # one split, some languages (rule work
                                                 # is done on dev; held-out is run once)

Speed is measured here, not in a timed test: every language's lists are loaded and the
whole set (and tests/data/moderation_eval.jsonl) is scanned several times in one process.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from pathlib import Path

from twinspace.moderation.evaluation import (
    DEV_SPLITS,
    SPLITS,
    evaluate,
    load_labelled,
    markdown_table,
)
from twinspace.moderation.filters import scan_text

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "tests" / "data" / "safety_eval"
REGRESSION = ROOT / "tests" / "data" / "moderation_eval.jsonl"


def flagged(text: str) -> set[str]:
    return {finding.category.value for finding in scan_text(text)}


def speed(texts: list[str], rounds: int = 5) -> tuple[float, float]:
    """Messages per second of wall time and per second of this process's CPU time (the
    second is what a shared machine's other load does not distort)."""
    for text in texts[:200]:  # compile every lazily built pattern first
        scan_text(text)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for text in texts:
            scan_text(text)
    count = rounds * len(texts)
    return count / (time.perf_counter() - wall), count / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mistakes", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--split", choices=SPLITS, help="only this split")
    parser.add_argument("--languages", help="comma-separated codes: only these languages")
    args = parser.parse_args()
    messages = load_labelled(EVAL_DIR)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"{stamp}, {platform.node()}, {platform.processor() or platform.machine()}")
    languages = set(args.languages.split(",")) if args.languages else None
    for split in (args.split,) if args.split else SPLITS:
        chosen = [
            m for m in messages if m.split == split and (languages is None or m.lang in languages)
        ]
        if not chosen:
            continue
        result = evaluate(chosen, flagged)
        print(f"\n### {split} ({len(chosen)} messages)\n")
        print(markdown_table(result))
        if args.mistakes and split in DEV_SPLITS:
            print("\n".join(result.mistakes))
    if args.speed:
        regression = [
            json.loads(line)["text"] for line in REGRESSION.read_text("utf-8").splitlines()
        ]
        texts = [m.text for m in messages] + regression
        wall, cpu = speed(texts)
        print(
            f"\nscan_text over {len(texts)} messages: {wall:,.0f} messages/s (wall clock), "
            f"{cpu:,.0f} messages per CPU second; load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
