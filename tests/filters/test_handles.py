"""Social handles and invitations to move off the platform, in six languages."""

from __future__ import annotations

import pytest

from twinspace.moderation.filters.handles import find_handles


def rules(text: str) -> list[str]:
    return [f.rule for f in find_handles(text)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("add me on snap: jess_xo2009", "social media invitation (Snapchat)"),
        ("hit me up on tiktok", "social media invitation (TikTok)"),
        ("whatsapp me", "social media invitation (WhatsApp)"),
        ("my discord is gamerboy", "social media handle (Discord)"),
        ("whats ur snap?", "social media contact question (Snapchat)"),
        ("do you have telegram?", "social media contact question (Telegram)"),
        ("dodaj mnie na snapie", "social media invitation (Snapchat)"),
        ("napisz do mnie na messengerze", "social media invitation (Messenger)"),
        ("mój insta to kasia.w", "social media handle (Instagram)"),
        ("masz snapa?", "social media contact question (Snapchat)"),
        ("wbijaj na mojego discorda", "social media invitation (Discord)"),
        ("aggiungimi su snap", "social media invitation (Snapchat)"),
        ("seguimi su instagram", "social media invitation (Instagram)"),
        ("il mio nick su discord è leo", "social media handle (Discord)"),
        ("hai whatsapp?", "social media contact question (WhatsApp)"),
        ("adde mich auf snap", "social media invitation (Snapchat)"),
        ("folg mir auf insta", "social media invitation (Instagram)"),
        ("schreib mir privat auf Snapchat", "social media invitation (Snapchat)"),
        ("hast du Discord?", "social media contact question (Discord)"),
        ("wie heißt du auf Insta?", "social media contact question (Instagram)"),
        ("ajoute-moi sur snap", "social media invitation (Snapchat)"),
        ("suis-moi sur insta", "social media invitation (Instagram)"),
        ("mon insta c'est emma", "social media handle (Instagram)"),
        ("t'as snap ?", "social media contact question (Snapchat)"),
        ("agrégame en snap", "social media invitation (Snapchat)"),
        ("sígueme en insta", "social media invitation (Instagram)"),
        ("escríbeme por whatsapp", "social media invitation (WhatsApp)"),
        ("¿tienes insta?", "social media contact question (Instagram)"),
        ("insta: anna_k09", "social media handle (Instagram)"),
    ],
)
def test_phrases(text: str, rule: str) -> None:
    assert rules(text) == [rule]


def test_handle_after_the_phrase_is_part_of_the_finding() -> None:
    assert [f.excerpt for f in find_handles("my insta is maria_ferrari_08 ok")] == [
        "my insta is maria_ferrari_08"
    ]
    assert [f.excerpt for f in find_handles("add me on snap jen_o")] == ["add me on snap jen_o"]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("@emma_2010 check your messages", "@emma_2010"),
        ("pls follow @lucas.bcn", "@lucas.bcn"),
        ("my discord tag: gamerboy#4821", "gamerboy#4821"),
        ("join discord.gg/abc123", "discord.gg/abc123"),
        ("https://t.me/somegroup", "https://t.me/somegroup"),
        ("chat on wa.me/48601234567", "wa.me/48601234567"),
    ],
)
def test_handles_tags_and_invite_links(text: str, excerpt: str) -> None:
    assert excerpt in [f.excerpt for f in find_handles(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Instagram is not allowed in our school",
        "a documentary about how TikTok and YouTube use algorithms",
        "Na Instagramie widziałam fajny filmik",
        "Ho letto che su Instagram ci sono molte fake news",
        "Habt ihr schon TikTok-Videos für das Projekt gedreht?",
        "Nous avons vu un documentaire sur Instagram",
        "Hemos visto un vídeo de TikTok",
        "Let's meet @ 5",
        "I'm @home today",
        "see you @8pm",
        "the best year @2024",
        "tom.smith@gmail.com",
        "my face is red, your signal is bad",
        "dodaj zdjęcie do prezentacji",
        "#2024 was a great year",
        "Snapchat streaks are stupid tbh",
    ],
)
def test_not_handles(text: str) -> None:
    assert find_handles(text) == []
