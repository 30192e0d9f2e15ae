"""Scoring the text filters on a labelled set of messages (per language, per category).

A labelled message is ``{"text", "lang", "labels", "kind", "split"}`` (the format of
``tests/data/safety_eval/*.jsonl``, described in its README). A message counts as flagged
for a category when ``scan_text`` returns any finding of that category. Used by the
regression tests and by ``bench/safety_eval.py``, which writes the figures for the README.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

# The categories the evaluation set labels; any other finding on a message counts against
# precision too.
LABELLED = ("offensive", "self_harm", "phone", "email", "address", "social_handle")
# Every split of the set, in the order reports list them (tests/data/safety_eval/README.md).
SPLITS = (
    "dev",
    "heldout",
    "probe",
    "round5-dev",
    "round5-heldout",
    "round6-dev",
    "round6-heldout",
    "round7-dev",
    "round7-heldout",
    "round8-dev",
    "round8-heldout",
    "round9-heldout",
    "round10-heldout",
    "round11-dev",
    "round11-heldout",
    "round12-dev",
    "round12-heldout",
    "round13-dev",
    "round13-heldout",
    "round14-heldout",
)
# The splits whose mistakes may be printed (their texts may be read while writing rules);
# every other split is reported as numbers only (round9-heldout, round10-heldout and
# round14-heldout have no dev half at all).
DEV_SPLITS = frozenset(split for split in SPLITS if split == "dev" or split.endswith("-dev"))


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    lang: str
    labels: frozenset[str]
    kind: str
    split: str


def load_labelled(folder: Path) -> list[Labelled]:
    messages: list[Labelled] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                messages.append(
                    Labelled(
                        row["text"],
                        row["lang"],
                        frozenset(row["labels"]),
                        row.get("kind", "clean" if not row["labels"] else "flagged"),
                        row.get("split", "dev"),
                    )
                )
    return messages


@dataclass
class Tally:
    """Counts for one slice of the set (a language, a split, or everything)."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    negatives: int = 0  # clean and hard-negative messages
    negatives_passed: int = 0

    def recall(self, category: str) -> float | None:
        support = self.tp[category] + self.fn[category]
        return self.tp[category] / support if support else None

    @property
    def precision(self) -> float:
        tp, fp = sum(self.tp.values()), sum(self.fp.values())
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def clean_pass(self) -> float:
        return self.negatives_passed / self.negatives if self.negatives else 1.0


@dataclass
class Evaluation:
    total: Tally = field(default_factory=Tally)
    by_language: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    mistakes: list[str] = field(default_factory=list)


def evaluate(messages: Iterable[Labelled], flag: Callable[[str], set[str]]) -> Evaluation:
    """Score ``flag`` (text -> flagged categories) over ``messages``.

    Mistakes are listed for the ``DEV_SPLITS`` only: the held-out splits are reported as
    numbers, never as texts.
    """
    result = Evaluation()
    for message in messages:
        flagged = flag(message.text)
        slices = (result.total, result.by_language[message.lang])
        for tally in slices:
            if not message.labels:
                tally.negatives += 1
                tally.negatives_passed += not flagged
            for category in flagged | message.labels:
                if category in flagged and category in message.labels:
                    tally.tp[category] += 1
                elif category in flagged:
                    tally.fp[category] += 1
                else:
                    tally.fn[category] += 1
        caught = flagged == set(message.labels) if message.labels else not flagged
        counts = result.by_kind[message.kind]
        counts[0] += caught
        counts[1] += 1
        if message.split in DEV_SPLITS and flagged != set(message.labels):
            result.mistakes.append(
                f"{message.lang} {message.kind}: {message.text!r} "
                f"expected {sorted(message.labels)} got {sorted(flagged)}"
            )
    return result


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def markdown_table(evaluation: Evaluation) -> str:
    """Per language and overall: clean pass, precision, recall per labelled category."""
    header = ["lang", "clean pass", "precision", *LABELLED]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    rows = sorted(evaluation.by_language.items())
    rows.append(("**all**", evaluation.total))
    for name, tally in rows:
        cells = [name, _cell(tally.clean_pass), _cell(tally.precision)]
        cells.extend(_cell(tally.recall(category)) for category in LABELLED)
        lines.append("| " + " | ".join(cells) + " |")
    kinds = ", ".join(
        f"{kind} {done}/{count}" for kind, (done, count) in sorted(evaluation.by_kind.items())
    )
    lines.append("")
    lines.append(f"Messages right by kind: {kinds}.")
    return "\n".join(lines)
