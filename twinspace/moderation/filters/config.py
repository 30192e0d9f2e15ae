"""Per-project filter settings."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field

import phonenumbers

from twinspace.moderation.filters.findings import Category
from twinspace.moderation.filters.lexicon import Lexicons, default_lexicons
from twinspace.moderation.filters.wordlists import WordLists, default_wordlists

# eTwinning countries (EU + AL, BA, IS, LI, MK, NO, RS, TR), then the neighbourhood partners.
ETWINNING_REGIONS: tuple[str, ...] = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    "AL", "BA", "IS", "LI", "MK", "NO", "RS", "TR",
)  # fmt: skip
PARTNER_REGIONS: tuple[str, ...] = ("AM", "AZ", "GE", "JO", "LB", "MD", "ME", "TN", "UA")
PARTICIPATING_REGIONS: tuple[str, ...] = ETWINNING_REGIONS + PARTNER_REGIONS

# The programme's own sites; a project adds its own allowed domains.
DEFAULT_ALLOWED_DOMAINS: frozenset[str] = frozenset({"europa.eu", "etwinning.net"})


def normalize_domain(domain: str) -> str:
    host = domain.strip().lower().rstrip(".")
    return host.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class FilterConfig:
    """What to look for.

    ``allowed_domains``: links to these domains and their subdomains pass.
    ``wordlists``: built-in lists, or ``load_wordlists(override_dir)`` for a deployment.
    ``phone_regions``: regions whose national number formats are recognised, in the
    order used to name a number's country; international ``+CC``/``00CC`` numbers are
    recognised for every country.
    ``categories``: the filters to run.
    ``lexicons``: per-language lexicons (bullying, threats, self-harm, invitations,
    spelled-out numbers, e-mail words, street words), or ``load_lexicons(override_dir)``.
    """

    allowed_domains: Set[str] = DEFAULT_ALLOWED_DOMAINS  # stored as a normalised frozenset
    wordlists: WordLists = field(default_factory=default_wordlists)
    phone_regions: tuple[str, ...] = PARTICIPATING_REGIONS
    categories: Set[Category] = frozenset(Category)
    lexicons: Lexicons = field(default_factory=default_lexicons)

    def __post_init__(self) -> None:
        domains = frozenset(normalize_domain(d) for d in self.allowed_domains if d.strip())
        object.__setattr__(self, "allowed_domains", domains)
        regions = tuple(r.upper() for r in self.phone_regions)
        unknown = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"unknown phone regions: {', '.join(unknown)}")
        object.__setattr__(self, "phone_regions", regions)
        object.__setattr__(self, "categories", frozenset(Category(c) for c in self.categories))
