"""The README documents every setting, API route and close code the code has."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinspace.app.factory import api_endpoints
from twinspace.config import ENV_PREFIX, Settings
from twinspace.realtime import close_codes
from twinspace.types import API_PREFIX

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{ENV_PREFIX}{name.upper()}`" in README


def test_every_route_is_documented() -> None:
    missing = sorted(
        {
            f"{endpoint.method} {endpoint.openapi_path}"
            for endpoint in api_endpoints()
            if f"| {endpoint.method} | `{endpoint.openapi_path.removeprefix(API_PREFIX)}` |"
            not in README
        }
    )
    assert not missing, f"routes missing from the README: {missing}"


@pytest.mark.parametrize("code", sorted(close_codes.DESCRIPTIONS))
def test_every_close_code_is_documented(code: int) -> None:
    assert f"\n| {code} |" in README


def test_readme_names_the_two_commands() -> None:
    assert "make run" in README and "make test" in README
