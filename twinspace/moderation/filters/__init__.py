"""Pure, synchronous content filters for pupil safety (docs/design.md, "Pupil safety").

Text: ``scan_text(text, config=...)`` returns ``Finding`` objects (offensive language,
phone numbers, e-mail addresses, social handles, external links, street addresses);
``mask(text, findings)`` hides their spans. Images: ``sanitize_image(data)`` re-encodes
an upload without metadata and makes a thumbnail; ``ClassifierRegistry`` runs optional
image classifiers. Nothing here touches the network, the database or the event loop.
"""

from twinspace.moderation.filters.config import (
    DEFAULT_ALLOWED_DOMAINS,
    PARTICIPATING_REGIONS,
    FilterConfig,
)
from twinspace.moderation.filters.findings import Category, Finding
from twinspace.moderation.filters.image_classifiers import (
    ClassifierRegistry,
    ImageClassifier,
    ImageFinding,
    classifier_registry,
)
from twinspace.moderation.filters.images import (
    ImageRejected,
    ImageTooLarge,
    SanitizedImage,
    UnsupportedImage,
    sanitize_image,
)
from twinspace.moderation.filters.scan import DEFAULT_CONFIG, mask, scan_text
from twinspace.moderation.filters.wordlists import (
    WordListError,
    WordLists,
    default_wordlists,
    load_wordlists,
)

__all__ = [
    "DEFAULT_ALLOWED_DOMAINS",
    "DEFAULT_CONFIG",
    "PARTICIPATING_REGIONS",
    "Category",
    "ClassifierRegistry",
    "FilterConfig",
    "Finding",
    "ImageClassifier",
    "ImageFinding",
    "ImageRejected",
    "ImageTooLarge",
    "SanitizedImage",
    "UnsupportedImage",
    "WordListError",
    "WordLists",
    "classifier_registry",
    "default_wordlists",
    "load_wordlists",
    "mask",
    "sanitize_image",
    "scan_text",
]
