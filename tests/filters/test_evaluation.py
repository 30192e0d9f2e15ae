"""Precision and recall of ``scan_text`` on the labelled evaluation set.

``tests/data/moderation_eval.jsonl`` holds hand-written pupil-style messages in English,
Polish, Italian, German, French and Spanish (labelling rules: tests/data/moderation_eval.md).
A message counts as flagged for a category when any finding of that category exists.
The table is written to the terminal even without ``-s``.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from twinspace.moderation.filters import DEFAULT_ALLOWED_DOMAINS, Category, FilterConfig, scan_text

EVAL_FILE = Path(__file__).resolve().parents[1] / "data" / "moderation_eval.jsonl"
# The project allow-list the set was labelled against.
EVAL_CONFIG = FilterConfig(allowed_domains=DEFAULT_ALLOWED_DOMAINS | {"wikipedia.org"})
LANGUAGES = {"en", "pl", "it", "de", "fr", "es"}
# Self-harm came later (issue 16) and is scored on tests/data/safety_eval instead.
LABELLED_HERE = frozenset(Category) - {Category.SELF_HARM}

MIN_RECALL = {Category.PHONE: 0.95, Category.EMAIL: 0.95, Category.OFFENSIVE: 0.85}
MIN_MICRO_PRECISION = 0.9


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    lang: str
    labels: frozenset[Category]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    scores: dict[Category, Score] = field(default_factory=lambda: {c: Score() for c in Category})
    mistakes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def micro(self) -> Score:
        return Score(
            sum(s.tp for s in self.scores.values()),
            sum(s.fp for s in self.scores.values()),
            sum(s.fn for s in self.scores.values()),
        )


def load_messages() -> list[Message]:
    messages = []
    with EVAL_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            labels = frozenset(Category(label) for label in row["labels"])
            messages.append(Message(row["text"], row["lang"], labels))
    return messages


def evaluate(messages: list[Message]) -> Report:
    report = Report()
    scan_text("warm-up", config=EVAL_CONFIG)  # word lists compile once per process
    started = time.perf_counter()
    results = [scan_text(m.text, config=EVAL_CONFIG) for m in messages]
    report.seconds = time.perf_counter() - started
    for message, findings in zip(messages, results, strict=True):
        flagged = {f.category for f in findings}
        for category in Category:
            score = report.scores[category]
            if category in flagged and category in message.labels:
                score.tp += 1
            elif category in flagged:
                score.fp += 1
                excerpts = [f.excerpt for f in findings if f.category is category]
                report.mistakes.append(f"FP {category}: {message.text!r} {excerpts}")
            elif category in message.labels:
                score.fn += 1
                report.mistakes.append(f"FN {category}: {message.text!r}")
    return report


def table(messages: list[Message], report: Report) -> str:
    per_language = Counter(m.lang for m in messages)
    support = Counter(label for m in messages for label in m.labels)
    lines = [
        "",
        f"moderation evaluation: {len(messages)} messages "
        f"({', '.join(f'{lang} {n}' for lang, n in sorted(per_language.items()))}; "
        f"{sum(1 for m in messages if not m.labels)} clean)",
        f"{'category':<15}{'support':>8}{'tp':>6}{'fp':>6}{'fn':>6}{'precision':>11}{'recall':>8}",
    ]
    for category, score in report.scores.items():
        lines.append(
            f"{category.value:<15}{support[category]:>8}{score.tp:>6}{score.fp:>6}{score.fn:>6}"
            f"{score.precision:>11.3f}{score.recall:>8.3f}"
        )
    micro = report.micro
    lines.append(
        f"{'micro':<15}{sum(support.values()):>8}{micro.tp:>6}{micro.fp:>6}{micro.fn:>6}"
        f"{micro.precision:>11.3f}{micro.recall:>8.3f}"
    )
    rate = len(messages) / report.seconds if report.seconds else float("inf")
    lines.append(f"scan_text throughput: {rate:,.0f} messages/s ({report.seconds * 1000:.0f} ms)")
    lines.extend(f"  {mistake}" for mistake in report.mistakes)
    return "\n".join(lines)


def test_eval_set_is_well_formed() -> None:
    messages = load_messages()
    assert len(messages) >= 400
    assert {m.lang for m in messages} == LANGUAGES
    assert len({m.text for m in messages}) == len(messages), "duplicate messages"
    per_language = Counter(m.lang for m in messages)
    assert min(per_language.values()) >= 60
    labelled = Counter(label for m in messages for label in m.labels)
    assert all(labelled[category] >= 20 for category in LABELLED_HERE)


def test_filters_meet_the_targets(capsys: pytest.CaptureFixture[str]) -> None:
    messages = load_messages()
    report = evaluate(messages)
    with capsys.disabled():
        print(table(messages, report))
    for category, minimum in MIN_RECALL.items():
        assert report.scores[category].recall >= minimum, category
    assert report.micro.precision >= MIN_MICRO_PRECISION
