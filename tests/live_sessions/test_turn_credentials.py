"""TURN REST credentials as coturn's `use-auth-secret` checks them (live_sessions/ice.py), and
the ICE configuration a participant gets from the server. The expected credential below was
computed outside Python: `printf '%s' '1700003600:42' | openssl dgst -sha1 -hmac
'north-sea-secret' -binary | base64`. The browser test proves the same derivation against a
real coturn (tests/browser/test_video_call.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from tests.live_sessions.conftest import Partners
from tests.support.server import LiveServer, live_server, make_settings
from twinspace.config import ConfigError, load_settings
from twinspace.live_sessions.ice import ice_config, turn_credential

SECRET = "north-sea-secret"
NOW = datetime.fromtimestamp(1_700_000_000, UTC)


def test_the_credential_is_base64_hmac_sha1_of_expiry_and_user() -> None:
    credential = turn_credential(SECRET, 42, now=NOW, ttl_seconds=3600)
    assert credential.username == "1700003600:42"
    assert credential.credential == "bS67VMSNDlqWtyv05zE8Dg1PytQ="
    assert credential.expires_at == 1_700_003_600


def test_stun_urls_carry_no_credential_and_turn_urls_share_one() -> None:
    config = ice_config(
        (
            "stun:stun.school.example:3478",
            "turn:turn.school.example:3478?transport=udp",
            "turns:turn.school.example:5349",
        ),
        SecretStr(SECRET),
        42,
        now=NOW,
        ttl_seconds=600,
        transport_policy="relay",
    )
    stun, turn = config.servers
    assert stun.urls == ("stun:stun.school.example:3478",) and stun.username is None
    assert turn.urls == (
        "turn:turn.school.example:3478?transport=udp",
        "turns:turn.school.example:5349",
    )
    assert turn.username == "1700000600:42"
    assert config.expires_at == 1_700_000_600
    assert config.transport_policy == "relay"


def test_turn_urls_without_a_secret_are_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="TWINSPACE_TURN_SECRET"):
        load_settings({"TWINSPACE_ICE_SERVERS": "turn:turn.school.example:3478"})
    with pytest.raises(ConfigError, match="TWINSPACE_ICE_SERVERS"):
        load_settings({"TWINSPACE_ICE_SERVERS": "https://turn.school.example"})


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    """This module's server hands out STUN and TURN (the `partners` fixture uses it)."""
    settings = make_settings(
        tmp_path / "data",
        ice_servers=("stun:127.0.0.1:3478", "turn:127.0.0.1:3478"),
        turn_secret=SECRET,
        turn_ttl_seconds=900,
    )
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    async with live_server(settings) as running:
        yield running


async def test_a_participant_gets_fresh_credentials_and_the_secret_is_never_logged(
    partners: Partners, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session = await partners.schedule()
    await partners.open_and_join(session["id"])
    before = datetime.now(UTC).timestamp()
    async with partners.client(partners.polish_teacher) as http:
        response = await http.get(f"/api/v1/live-sessions/{session['id']}/call/ice")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    stun, turn = body["ice_servers"]
    assert stun == {"urls": ["stun:127.0.0.1:3478"], "username": None, "credential": None}
    expiry, user = turn["username"].split(":")
    assert int(user) == partners.polish_teacher.id
    assert before + 900 - 5 <= int(expiry) <= before + 900 + 5
    expected = turn_credential(
        SECRET,
        partners.polish_teacher.id,
        now=datetime.fromtimestamp(int(expiry) - 900, UTC),
        ttl_seconds=900,
    )
    assert turn["credential"] == expected.credential
    assert body["ice_transport_policy"] == "all"
    assert SECRET not in caplog.text
