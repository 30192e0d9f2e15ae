"""Which `@names` a text mentions (twinspace/notifications/mentions.py)."""

from __future__ import annotations

from twinspace.notifications.mentions import MAX_MENTIONS, mentioned_usernames


def test_mentions_are_names_after_an_at_sign_not_addresses() -> None:
    text = "@Anna.K, look! (cc @marco_7) write to anna@school.eu or @@x @ jo @zo. @anna.k again"
    assert mentioned_usernames(text) == ["anna.k", "marco_7"]


def test_sentence_punctuation_is_not_part_of_a_name() -> None:
    assert mentioned_usernames("thanks @lena-. and @piotr...") == ["lena", "piotr"]
    assert mentioned_usernames("@ab @abc") == ["abc"], "usernames have at least 3 characters"


def test_a_text_naming_everyone_mentions_a_bounded_number() -> None:
    text = " ".join(f"@pupil{n}" for n in range(100))
    assert len(mentioned_usernames(text)) == MAX_MENTIONS
