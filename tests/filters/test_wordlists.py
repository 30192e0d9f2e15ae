"""Word lists: built-in data files via importlib.resources, deployment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinspace.moderation.filters import FilterConfig, WordListError, load_wordlists, scan_text
from twinspace.moderation.filters.offensive import find_offensive
from twinspace.moderation.filters.wordlists import builtin_languages, parse_wordlist


def test_builtin_languages_load_from_package_data() -> None:
    assert set(builtin_languages()) >= {"en", "pl", "it", "de", "fr", "es"}
    lists = load_wordlists()
    assert lists.languages[:6] == ("en", "pl", "it", "de", "fr", "es")
    for language in ("en", "pl", "it", "de", "fr", "es"):
        assert len(lists.for_language(language)) >= 30


def test_syntax() -> None:
    entries, exceptions = parse_wordlist(
        "# comment\nword\nstem*  # trailing comment\n\ntwo words\n=coño\n!allowed*\n", "xx"
    )
    assert [e.key for e in entries] == ["word", "stem*", "two words", "=coño"]
    assert [e.key for e in exceptions] == ["allowed*"]


@pytest.mark.parametrize("line", ["a", "1234", "wo-rd", "*", "=", "ab cd*ef"])
def test_invalid_entries_name_file_and_line(line: str) -> None:
    with pytest.raises(WordListError, match=r"xx.txt:2"):
        parse_wordlist(f"ok\n{line}\n", "xx", "xx.txt")


def test_override_directory_adds_removes_and_allows(tmp_path: Path) -> None:
    (tmp_path / "it.txt").write_text("scemo\n!troia\n!cazzata\n", encoding="utf-8")
    (tmp_path / "nl.txt").write_text("klootzak\nkanker*\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("ignored", encoding="utf-8")
    lists = load_wordlists(tmp_path)
    assert "nl" in lists.languages

    def words(text: str) -> list[str]:
        return [f.excerpt for f in find_offensive(text, lists)]

    assert words("sei scemo") == ["scemo"]  # added
    assert words("sei una troia") == []  # removed from the Italian list
    assert words("che cazzata") == []  # not an entry: becomes an exception to "cazz*"
    assert words("che cazzo") == ["cazzo"]
    assert words("jij klootzak, kankerlijer") == ["klootzak", "kankerlijer"]
    config = FilterConfig(wordlists=lists)
    assert scan_text("klootzak", config=config)[0].language == "nl"


def test_languages_can_be_limited() -> None:
    lists = load_wordlists(languages=["de"])
    assert lists.languages == ("de",)
    assert find_offensive("fuck", lists) == []
    assert find_offensive("Scheiße", lists)


def test_missing_override_directory(tmp_path: Path) -> None:
    with pytest.raises(WordListError):
        load_wordlists(tmp_path / "missing")


def test_every_builtin_entry_flags_its_own_text() -> None:
    lists = load_wordlists()
    for entry in lists.entries:
        text = " ".join(entry.words)
        if entry.exact_accents:
            assert find_offensive(text, lists), entry.key
            continue
        assert find_offensive(text, lists) or find_offensive(text + "a", lists), entry.key


def test_builtin_files_are_clean_utf8_without_duplicates() -> None:
    for language in builtin_languages():
        lists = load_wordlists(languages=[language])
        keys = [e.key for e in lists.entries]
        assert len(keys) == len(set(keys)), language
