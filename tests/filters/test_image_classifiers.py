"""The image-classifier hook, exercised with fake classifiers."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from PIL import Image

from twinspace.moderation.filters import (
    ClassifierRegistry,
    ImageClassifier,
    ImageFinding,
    SanitizedImage,
    classifier_registry,
    sanitize_image,
)


class RedDetector:
    """Flags images whose top-left pixel is mostly red."""

    name = "red-detector"

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, image: Image.Image) -> Sequence[ImageFinding]:
        self.calls += 1
        assert image.mode == "RGB"
        pixel = image.getpixel((0, 0))
        assert isinstance(pixel, tuple)
        if pixel[0] > 200 and pixel[1] < 50:
            return [ImageFinding(self.name, "red", 0.97, "mostly red picture")]
        return []


class Broken:
    name = "broken"

    def classify(self, image: Image.Image) -> Sequence[ImageFinding]:
        raise RuntimeError("model file missing")


def upload(colour: str, frames: int = 1) -> SanitizedImage:
    out = io.BytesIO()
    base = Image.new("RGB", (20, 20), colour)
    # Frames must differ, or the GIF encoder merges them.
    images = [base.point(lambda v, i=i: max(0, v - i)) for i in range(frames)]
    if frames == 1:
        images[0].save(out, "PNG")
    else:
        images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=50)
    return sanitize_image(out.getvalue())


def test_protocol_is_structural() -> None:
    detector: ImageClassifier = RedDetector()
    assert detector.name == "red-detector"


def test_no_classifiers_means_no_findings() -> None:
    assert ClassifierRegistry().classify(upload("red")) == []
    assert isinstance(classifier_registry, ClassifierRegistry)


def test_registered_classifier_runs_on_sanitized_pixels() -> None:
    registry = ClassifierRegistry()
    registry.register(RedDetector())
    assert registry.names() == ("red-detector",)
    assert registry.classify(upload("red")) == [
        ImageFinding("red-detector", "red", 0.97, "mostly red picture")
    ]
    assert registry.classify(upload("blue")) == []
    registry.unregister("red-detector")
    registry.unregister("not-there")
    assert registry.classify(upload("red")) == []


def test_a_broken_classifier_fails_closed() -> None:
    registry = ClassifierRegistry()
    registry.register(Broken())
    registry.register(RedDetector())
    findings = registry.classify(upload("red"))
    assert [f.label for f in findings] == ["classifier_error", "red"]
    assert "RuntimeError" in findings[0].reason


def test_registering_a_name_again_replaces_it() -> None:
    registry = ClassifierRegistry()
    first, second = RedDetector(), RedDetector()
    registry.register(first)
    registry.register(second)
    registry.classify(upload("red"))
    assert (first.calls, second.calls) == (0, 1)


@pytest.mark.parametrize(("frames", "max_frames", "expected"), [(20, 4, 4), (3, 8, 3), (1, 8, 1)])
def test_animated_frames_are_sampled(frames: int, max_frames: int, expected: int) -> None:
    registry = ClassifierRegistry()
    detector = RedDetector()
    registry.register(detector)
    registry.classify(upload("red", frames=frames), max_frames=max_frames)
    assert detector.calls == expected
