"""TWINSPACE_EVENT_LOOP picks the loop uvicorn runs the server on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.server import make_settings
from twinspace.app.server import uvicorn_config
from twinspace.config import ConfigError, load_settings


@pytest.mark.parametrize("loop", ["auto", "asyncio", "uvloop"])
def test_the_setting_reaches_uvicorn(tmp_path: Path, loop: str) -> None:
    config = uvicorn_config(make_settings(tmp_path / "data", event_loop=loop))
    assert config.loop == loop


def test_auto_is_the_default_and_takes_uvloop_when_installed(tmp_path: Path) -> None:
    uvloop = pytest.importorskip("uvloop")  # a dependency on CPython outside Windows
    config = uvicorn_config(load_settings(environ={}, data_dir=tmp_path / "data"))
    assert config.loop == "auto"
    assert config.get_loop_factory() is uvloop.new_event_loop


def test_an_unknown_loop_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TWINSPACE_EVENT_LOOP: Input should be 'auto'"):
        load_settings(environ={"TWINSPACE_EVENT_LOOP": "trio"}, data_dir=tmp_path / "data")
