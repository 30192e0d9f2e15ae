"""A hook for image classifiers (e.g. nudity detection); none ships with TwinSpaces.

A deployment registers objects that follow ``ImageClassifier``; the moderation pipeline
calls ``classifier_registry.classify(sanitized)`` after ``sanitize_image``. A classifier
that raises produces a ``classifier_error`` finding, so the upload is held, not passed.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from twinspace.moderation.filters.images import SanitizedImage


@dataclass(frozen=True, slots=True)
class ImageFinding:
    classifier: str
    label: str  # e.g. "nudity", "violence", "classifier_error"
    score: float  # 0.0 .. 1.0
    reason: str  # shown to teachers


class ImageClassifier(Protocol):
    @property
    def name(self) -> str: ...

    def classify(self, image: Image.Image) -> Sequence[ImageFinding]:
        """Findings for one RGB frame; an empty sequence when nothing is wrong."""
        ...


class ClassifierRegistry:
    """Thread-safe set of classifiers, keyed by name (registering a name replaces it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._classifiers: dict[str, ImageClassifier] = {}

    def register(self, classifier: ImageClassifier) -> None:
        with self._lock:
            self._classifiers[classifier.name] = classifier

    def unregister(self, name: str) -> None:
        with self._lock:
            self._classifiers.pop(name, None)

    def names(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._classifiers)

    def classify(self, image: SanitizedImage, *, max_frames: int = 8) -> list[ImageFinding]:
        """Run every classifier on up to ``max_frames`` frames, sampled evenly."""
        with self._lock:
            classifiers = list(self._classifiers.values())
        if not classifiers:
            return []
        findings: list[ImageFinding] = []
        for frame in _frames(image.data, max_frames):
            for classifier in classifiers:
                try:
                    findings.extend(classifier.classify(frame))
                except Exception as error:  # a broken classifier must not let it through
                    reason = f"image check '{classifier.name}' failed ({type(error).__name__})"
                    findings.append(ImageFinding(classifier.name, "classifier_error", 1.0, reason))
        return findings


def _frames(data: bytes, max_frames: int) -> list[Image.Image]:
    with Image.open(io.BytesIO(data)) as image:
        count = getattr(image, "n_frames", 1)
        step = max(1, -(-count // max(1, max_frames)))
        frames: list[Image.Image] = []
        for index in range(0, count, step):
            image.seek(index)
            frames.append(image.convert("RGB"))
        return frames[:max_frames]


# The registry the moderation pipeline uses.
classifier_registry = ClassifierRegistry()
