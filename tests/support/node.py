"""Node-side test peers: locate node and tests/node, drive the doc tool and y-websocket peers.

Without node or tests/node/node_modules the tests that need them skip, except under
``CI=true``, where a missing toolchain is a failure (``make test`` installs it first).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn, Self

import pytest

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
REQUIRED_PACKAGES = ("yjs", "y-websocket", "y-protocols", "lib0", "ws")
DEFAULT_TIMEOUT = 10.0

Json = dict[str, Any]


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: run `make node-deps`)", pytrace=False)
    pytest.skip(reason)


def require_node() -> str:
    """Path of the node binary; skips (fails under CI=true) if node or the packages are missing."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    missing = [p for p in REQUIRED_PACKAGES if not (NODE_DIR / "node_modules" / p).is_dir()]
    if missing:
        _unavailable(f"tests/node/node_modules lacks {', '.join(missing)}: run `make node-deps`")
    return node


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.b64decode(text)


# A `state` reply carries the whole text: big pages make long JSON lines.
STATE_LINE_LIMIT = 64 * 1024 * 1024


class NodeError(RuntimeError):
    """A node helper answered with an error or stopped answering."""


class DocTool:
    """A persistent ``doctool.mjs`` process: Yjs documents addressed by name (synchronous)."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._timeout = timeout
        self._ids = itertools.count(1)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._process = subprocess.Popen(
            [require_node(), str(NODE_DIR / "doctool.mjs")],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def call(self, cmd: str, **fields: Any) -> Json:
        request_id = next(self._ids)
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"id": request_id, "cmd": cmd, **fields}) + "\n")
        self._process.stdin.flush()
        try:
            line = self._lines.get(timeout=self._timeout)
        except queue.Empty:
            raise NodeError(f"doctool did not answer {cmd} within {self._timeout}s") from None
        if line is None:
            raise NodeError(f"doctool exited with {self._process.wait()}")
        reply: Json = json.loads(line)
        if reply.get("id") != request_id:
            raise NodeError(f"doctool answered {reply.get('id')} to request {request_id}")
        if not reply.pop("ok", False):
            raise NodeError(f"doctool {cmd} failed: {reply.get('error')}")
        del reply["id"]
        return reply

    # conveniences ---------------------------------------------------------

    def new(self, doc: str, client_id: int | None = None) -> int:
        fields = {} if client_id is None else {"clientID": client_id}
        return int(self.call("new", doc=doc, **fields)["clientID"])

    def ops(self, doc: str, ops: list[Json]) -> list[bytes]:
        """Run ops (one transaction each); returns the update of each transaction."""
        return [b64decode(u) for u in self.call("ops", doc=doc, ops=ops)["updates"]]

    def apply(self, doc: str, update: bytes) -> None:
        self.call("apply", doc=doc, update=b64encode(update))

    def encode(self, doc: str, state_vector: bytes | None = None) -> bytes:
        fields = {} if state_vector is None else {"sv": b64encode(state_vector)}
        return b64decode(self.call("encode", doc=doc, **fields)["update"])

    def state_vector(self, doc: str) -> bytes:
        return b64decode(self.call("sv", doc=doc)["sv"])

    def text(self, doc: str, name: str = "text") -> Json:
        return self.call("text", doc=doc, name=name)

    def xml(self, doc: str, name: str = "default") -> Json:
        return self.call("xml", doc=doc, name=name)

    def merge(self, updates: list[bytes]) -> bytes:
        return b64decode(self.call("merge", updates=[b64encode(u) for u in updates])["update"])

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=self._timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=self._timeout)
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _JsonLineProcess:
    """An asyncio node process speaking JSON lines: replies by id, everything else is an event."""

    def __init__(self, process: asyncio.subprocess.Process, name: str) -> None:
        self.name = name
        self.events: list[Json] = []
        self._process = process
        self._ids = itertools.count(1)
        self._replies: dict[int, asyncio.Future[Json]] = {}
        self._changed = asyncio.Condition()
        self._stderr: list[str] = []
        self._tasks = [
            asyncio.create_task(self._read_stdout()),
            asyncio.create_task(self._read_stderr()),
        ]

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    async def _read_stdout(self) -> None:
        assert self._process.stdout is not None
        async for raw in self._process.stdout:
            try:
                message: Json = json.loads(raw)
            except json.JSONDecodeError:
                message = {"event": "stdout", "line": raw.decode("utf-8", "replace")}
            reply_to = message.get("reply")
            future = self._replies.pop(reply_to, None) if reply_to is not None else None
            if future is not None:
                if not future.done():
                    future.set_result(message)
            else:
                self.events.append(message)
            async with self._changed:
                self._changed.notify_all()
        for future in self._replies.values():
            if not future.done():
                future.set_exception(NodeError(f"{self.name} exited: {self.stderr[-2000:]}"))
        async with self._changed:
            self._changed.notify_all()

    async def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        async for raw in self._process.stderr:
            self._stderr.append(raw.decode("utf-8", "replace"))

    async def command(self, cmd: str, *, within: float = DEFAULT_TIMEOUT, **fields: Any) -> Json:
        request_id = next(self._ids)
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._replies[request_id] = future
        assert self._process.stdin is not None
        self._process.stdin.write(
            (json.dumps({"id": request_id, "cmd": cmd, **fields}) + "\n").encode()
        )
        await self._process.stdin.drain()
        async with asyncio.timeout(within):
            reply = await future
        if not reply.get("ok"):
            raise NodeError(f"{self.name} {cmd} failed: {reply.get('error')}")
        return reply

    async def wait_for_event(
        self,
        predicate: Callable[[Json], bool],
        *,
        within: float = DEFAULT_TIMEOUT,
        start: int = 0,
    ) -> Json:
        """The first event from index ``start`` on that matches, waiting ``within`` seconds."""
        async with asyncio.timeout(within), self._changed:
            while True:
                for event in self.events[start:]:
                    if predicate(event):
                        return event
                start = len(self.events)
                if self.returncode is not None and self._tasks[0].done():
                    raise NodeError(f"{self.name} exited: {self.stderr[-2000:]}")
                await self._changed.wait()

    async def stop(self, within: float = DEFAULT_TIMEOUT) -> int:
        """Close stdin (the process exits on end of input); kill it if it does not."""
        if self._process.stdin is not None and not self._process.stdin.is_closing():
            self._process.stdin.close()
        try:
            async with asyncio.timeout(within):
                code = await self._process.wait()
        except TimeoutError:
            self._process.kill()
            code = await self._process.wait()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return code


class Peer(_JsonLineProcess):
    """A y-websocket ``WebsocketProvider`` client in node (``peer.mjs``), driven from asyncio."""

    @classmethod
    async def start(
        cls,
        url: str,
        room: str,
        *,
        token: str | None = None,
        cookie: str | None = None,
        client_id: int | None = None,
        max_backoff_ms: int = 2500,
        connect: bool = True,
        within: float = DEFAULT_TIMEOUT,
    ) -> Peer:
        args = ["--url", url, "--room", room, "--max-backoff", str(max_backoff_ms)]
        if token is not None:
            args.append(f"--token={token}")  # tokens may start with "-"
        if cookie is not None:
            args.append(f"--cookie={cookie}")
        if client_id is not None:
            args += ["--client-id", str(client_id)]
        if not connect:
            args.append("--no-connect")
        process = await asyncio.create_subprocess_exec(
            require_node(),
            str(NODE_DIR / "peer.mjs"),
            *args,
            cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=STATE_LINE_LIMIT,
        )
        peer = cls(process, f"peer[{room}]")
        ready = await peer.wait_for_event(lambda e: e.get("event") == "ready", within=within)
        peer.client_id = int(ready["clientID"])
        return peer

    client_id: int = 0

    async def insert(self, index: int, text: str, attrs: Json | None = None) -> None:
        await self.command("insert", index=index, text=text, attrs=attrs or {})

    async def delete(self, index: int, length: int) -> None:
        await self.command("delete", index=index, length=length)

    async def op(self, op: Json) -> None:
        """An edit of ops.mjs, e.g. ``{"op": "xmlTextInsert", "path": [0, 0], ...}``."""
        await self.command("op", op=op)

    async def set_awareness(self, state: Json | None) -> None:
        await self.command("awareness", state=state)

    async def disconnect(self) -> None:
        await self.command("disconnect")

    async def connect(self) -> None:
        await self.command("connect")

    async def state(self) -> Json:
        return await self.command("state")

    async def saved(self, within: float = DEFAULT_TIMEOUT) -> bool:
        """Probe as the web client's "Saved" indicator does: True once the server answered."""
        reply = await self.command("saved", within=within + 1, timeout=within * 1000)
        return bool(reply["saved"])

    async def move_to(self, url: str) -> None:
        """Reconnect to another server (what a load balancer does when one has died)."""
        await self.command("moveTo", url=url)

    async def wait_synced(self, within: float = DEFAULT_TIMEOUT) -> None:
        reply = await self.command("waitSynced", within=within + 1, timeout=within * 1000)
        if not reply["synced"]:
            raise TimeoutError(f"{self.name} did not sync within {within}s")

    async def wait_state(
        self, predicate: Callable[[Json], bool], *, within: float = DEFAULT_TIMEOUT
    ) -> Json:
        """Poll ``state`` until ``predicate`` holds, re-checking whenever the peer reports."""
        async with asyncio.timeout(within):
            while True:
                seen = len(self.events)
                current = await self.state()
                if predicate(current):
                    return current
                await self.wait_for_event(lambda _e: True, start=seen, within=within)

    async def close(self, within: float = DEFAULT_TIMEOUT) -> int:
        return await self.stop(within)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class StockServer(_JsonLineProcess):
    """The reference y-websocket server (``stock-server.mjs``) on 127.0.0.1."""

    port: int = 0

    @classmethod
    async def start(cls, within: float = DEFAULT_TIMEOUT) -> StockServer:
        process = await asyncio.create_subprocess_exec(
            require_node(),
            str(NODE_DIR / "stock-server.mjs"),
            cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        server = cls(process, "stock-server")
        listening = await server.wait_for_event(lambda e: "port" in e, within=within)
        server.port = int(listening["port"])
        return server

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/docs"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
