"""Fixtures for the realtime tests: both CRDT engines and a shared node doc tool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.node import DocTool
from twinspace.realtime.crdt import Engine, available_engines


@pytest.fixture(params=list(Engine), ids=lambda engine: engine.value)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn; one that cannot be imported here (y-py on 3.13+) is skipped."""
    chosen: Engine = request.param
    if chosen not in available_engines():
        pytest.skip(f"{chosen.value} is not installed on this Python")
    return chosen


@pytest.fixture(scope="session")
def doc_tool() -> Iterator[DocTool]:
    with DocTool() as tool:
        yield tool
