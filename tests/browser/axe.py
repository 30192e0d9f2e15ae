"""axe-core in the browser tests: inject it into a page and list its WCAG 2.1 A/AA findings.

The app's CSP rightly refuses an inline script, so the contexts that run axe are opened with
`bypass_csp=True`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.browser.conftest import ROOT

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = frozenset({"serious", "critical"})
_RUN = """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
    .violations.map(v => ({id: v.id, impact: v.impact,
        nodes: v.nodes.map(n => n.html.slice(0, 120))}))"""


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {' | '.join(self.nodes)}"


def axe_script() -> str | None:
    return AXE.read_text("utf-8") if Path(AXE).is_file() else None


def findings(page: Any, script: str) -> list[Finding]:
    """Every axe finding on `page` as it is now."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=script)
    return [
        Finding(v["id"], v["impact"] or "minor", tuple(v["nodes"]))
        for v in page.evaluate(_RUN, TAGS)
    ]


def blocking(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.impact in BLOCKING]
