"""Every word in the user's language (docs/i18n.md): a Finnish and a Greek teacher and pupil walk
the screens they use and no visible text equals an English catalogue message that their own
language says differently; server refusals and moderation reasons arrive translated; before
sign-in the browser's language wins, after it the one chosen in the client."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, DemoServer, SignedIn, screenshot

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect

# one_backend: the screens' words do not depend on the database behind the API
pytestmark = [pytest.mark.browser, pytest.mark.one_backend]

I18N = ROOT / "web" / "src" / "i18n"
ENTRY = re.compile(r"^\s*'([^']+)'\s*:\s*(['\"])((?:\\.|(?!\2).)*)\2\s*,?\s*$", re.M)
PLACEHOLDER = re.compile(r"\{\w+\}")

# text nodes (visually hidden ones too: screen readers say them) and visible placeholders; not
# what people wrote inside a page (the editor's content: the demo's English page has a table
# with "Class" and "School" in it, which no catalogue translates)
VISIBLE_TEXT = """() => {
  const out = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement
    if (!element || element.closest('script, style, template, .ProseMirror')) continue
    if (!element.checkVisibility()) continue
    const text = node.textContent.replace(/\\s+/g, ' ').trim()
    if (text) out.push(text)
  }
  for (const field of document.querySelectorAll('[placeholder]')) {
    if (field.checkVisibility()) out.push(field.getAttribute('placeholder'))
  }
  return out
}"""


def _catalogue(lang: str) -> dict[str, str]:
    text = (I18N / f"{lang}.ts").read_text("utf-8")
    return {m.group(1): m.group(3).replace("\\'", "'") for m in ENTRY.finditer(text)}


class EnglishDetector:
    """English messages that `lang` words differently: plain ones match whole text nodes,
    ones with {values} match as patterns (when they have enough words of their own)."""

    def __init__(self, lang: str) -> None:
        english_text = (I18N / "en.ts").read_text("utf-8")
        english = [(m.group(1), m.group(3)) for m in ENTRY.finditer(english_text)]
        own = _catalogue(lang)
        self.plain: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for key, text in english:
            translated = own.get(key)
            if translated is None or translated == text:
                continue
            if not PLACEHOLDER.search(text):
                self.plain[text] = key
                continue
            literal = PLACEHOLDER.sub("", text)
            if len(re.sub(r"[^A-Za-z]", "", literal)) < 5:
                continue
            parts = [re.escape(part) for part in PLACEHOLDER.split(text)]
            self.patterns.append((re.compile("^" + ".+".join(parts) + "$"), key))

    def english_in(self, texts: list[str]) -> list[str]:
        found = []
        for text in texts:
            if text in self.plain:
                found.append(f"{text!r} ({self.plain[text]})")
                continue
            for pattern, key in self.patterns:
                if pattern.match(text):
                    found.append(f"{text!r} ({key})")
                    break
        return found


def _settled(page: Page, loading: str) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(loading)


def _walk(
    page: Page, paths: list[str], detector: EnglishDetector, loading: str, seen: list[str]
) -> list[str]:
    leaks = []
    for path in paths:
        page.goto(path)
        _settled(page, loading)
        texts = page.evaluate(VISIBLE_TEXT)
        seen += texts
        leaks += [f"{path}: {text}" for text in detector.english_in(texts)]
    return leaks


@pytest.fixture
def restore_locales(demo_server: DemoServer) -> Iterator[list[str]]:
    """The accounts a test gives another language get their earlier one back (the demo server
    is shared: later tests open these accounts in English)."""
    accounts: list[str] = []
    yield accounts
    for username in accounts:
        demo_server.api(username, "PATCH", "/me", {"locale": "en-GB"})


def _screens(server: DemoServer, founder: bool) -> tuple[list[str], list[str]]:
    project = server.project["id"]
    base = f"/projects/{project}"
    pupil = ["/", f"{base}/pages", f"{base}/chat", f"{base}/boards", f"{base}/sessions"]
    pupil += ["/account", "/notifications"]
    teacher = [*pupil, f"{base}/members", f"{base}/search", f"{base}/desk/queue"]
    teacher += [f"{base}/desk/pupils", f"{base}/desk/policy", f"{base}/desk/pages"]
    teacher += ["/pupils", "/partners", "/training", "/calendar", "/labels"]
    if founder:
        teacher.append(f"{base}/desk/audit")
    return teacher, pupil


@pytest.mark.parametrize(
    ("lang", "locale", "zone", "teacher", "pupil", "founder"),
    [
        ("fi", "fi-FI", "Europe/Helsinki", "aino.virtanen", "onni.fi", False),
        ("el", "el-GR", "Europe/Athens", "anna.nowak", "helmi.fi", True),
    ],
)
def test_no_english_word_on_the_screens_a_user_uses(
    demo_server: DemoServer,
    open_as: SignedIn,
    restore_locales: list[str],
    lang: str,
    locale: str,
    zone: str,
    teacher: str,
    pupil: str,
    founder: bool,
) -> None:
    restore_locales += [teacher, pupil]
    for username in (teacher, pupil):  # the language chosen in the client, saved with the profile
        demo_server.api(username, "PATCH", "/me", {"locale": lang})
    own = _catalogue(lang)
    detector = EnglishDetector(lang)
    teacher_screens, pupil_screens = _screens(demo_server, founder)
    project = demo_server.project["id"]
    channel = demo_server.project["channels"][0]

    # a pupil's message held for its phone number: the reason is said in the pupil's language
    child = open_as(
        pupil, f"/projects/{project}/chat/{channel['id']}", locale=locale, timezone=zone
    )
    expect(child.locator("html")).to_have_attribute("lang", lang)
    text = "soita " + "".join(random.choices("bcdfghjk", k=5)) + " 040 123 4567"
    box = child.get_by_label(own["chat.messageTo"].replace("{name}", channel["name"]))
    box.fill(text)
    box.press("Enter")
    held = child.locator(".message", has_text=text).locator("[data-status=held]")
    reason = own["reason.held.filter"].replace("{what}", own["category.phone"])
    expect(held).to_contain_text(reason)
    screenshot(child, f"40-{lang}-pupil-chat-held")

    seen: list[str] = []
    leaks = _walk(child, pupil_screens, detector, own["status.loading"], seen)

    adult = open_as(teacher, f"/projects/{project}/desk/queue", locale=locale, timezone=zone)
    _settled(adult, own["status.loading"])
    entry = adult.locator(".queue-item", has_text=text)
    expect(entry).to_contain_text(reason)  # the desk's reason from the queue entry's reason_code
    screenshot(adult, f"41-{lang}-teacher-desk")
    leaks += _walk(adult, teacher_screens, detector, own["status.loading"], seen)

    # a refusal from the server in the teacher's language, with its value: a class that exists
    adult.goto("/pupils")
    _settled(adult, own["status.loading"])
    existing = "6C" if lang == "fi" else "6B"
    adult.get_by_label(own["pupils.newClass"]).fill(existing)
    adult.locator("form.inline-form").get_by_role("button", name=own["action.create"]).click()
    expect(
        adult.get_by_text(own["problem.code.class-exists"].replace("{name}", existing))
    ).to_be_visible()

    # leave the shared demo's desk as it was
    adult.goto(f"/projects/{project}/desk/queue")
    entry.get_by_role("button", name=own["desk.reject"]).click()
    expect(entry).to_have_count(0)

    assert leaks == [], "English on a " + lang + " screen:\n" + "\n".join(leaks)
    # the walk read the screens in the user's language (not blank or still loading ones)
    assert len(seen) > 200
    assert own["nav.signOut"] in seen and own["project.pages"] in seen


def test_browser_language_before_sign_in_the_chosen_one_after(
    demo_server: DemoServer, browser: object, restore_locales: list[str]
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    fi, el = _catalogue("fi"), _catalogue("el")
    restore_locales.append("aada.fi")
    demo_server.api("aada.fi", "PATCH", "/me", {"locale": "fi"})
    context = browser.new_context(base_url=demo_server.base_url, locale="el-GR")
    try:
        page = context.new_page()
        page.goto("/")
        # before sign-in: the browser's Greek
        expect(page.get_by_role("button", name=el["signin.submit"])).to_be_visible()
        page.get_by_label(el["signin.username"]).fill("aada.fi")
        page.get_by_label(el["signin.password"]).fill(demo_server.account("aada.fi")["password"])
        page.get_by_role("button", name=el["signin.submit"]).click()
        # after sign-in: the Finnish the pupil chose in the client earlier
        expect(page.get_by_role("button", name=fi["nav.signOut"])).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "fi")
        page.get_by_role("button", name=fi["nav.signOut"]).click()
        # signed out, the next person at this device meets the browser's language again
        expect(page.get_by_role("button", name=el["signin.submit"])).to_be_visible()
        page.reload()
        expect(page.get_by_role("button", name=el["signin.submit"])).to_be_visible()
    finally:
        context.close()


def test_the_detector_finds_english_words() -> None:
    english = _catalogue("en")
    for lang in ("fi", "el"):
        assert set(english) <= set(_catalogue(lang)), lang
    detector = EnglishDetector("fi")
    found = detector.english_in(["My projects", "Hello, Aino!", "TwinSpace", "Omat projektit"])
    assert found == ["'My projects' (nav.myProjects)", "'Hello, Aino!' (dashboard.hello)"]
    assert Path(I18N / "fi.ts").is_file()
