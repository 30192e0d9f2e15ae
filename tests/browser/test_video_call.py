"""Class-to-class video in real Chromium (fake camera and microphone): a Polish and an Italian
teacher of the demo TwinSpace join a live session's call from its page and each receives the
other's video (frames keep arriving in the tile) and audio; a teacher whose class does not take
part is refused, in the page and on the socket; and one call goes through a real coturn with
relay-only ICE, proven by the selected candidate pair (docs/events-protocol.md, "Calls").

Each test records the page's RTCPeerConnections (an init script) to read their `getStats()`.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    DemoServer,
    _unavailable,
    require_browser,
    running_demo,
)
from tests.support.server import free_port

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None  # type: ignore[assignment]

FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
RECORD_CONNECTIONS = """
(() => {
  const Native = window.RTCPeerConnection
  window.__pcs = []
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this) }
  }
})()
"""
# resolves with the number of frames the remote tile rendered, once it saw `wanted` of them
FRAMES_IN_REMOTE_TILE = """
async (wanted) => {
  const video = document.querySelector('[data-testid=call-tile][data-mine=false] video')
  if (!video) return 0
  return await new Promise((resolve, reject) => {
    let frames = 0
    const timer = setTimeout(() => reject(new Error(`only ${frames} frames`)), 20000)
    const tick = () => {
      frames += 1
      if (frames >= wanted) { clearTimeout(timer); resolve(frames) }
      else video.requestVideoFrameCallback(tick)
    }
    video.requestVideoFrameCallback(tick)
  })
}
"""
INBOUND = """
async () => {
  const totals = { framesDecoded: 0, audioPackets: 0, audioTracks: 0 }
  for (const pc of window.__pcs) {
    if (pc.connectionState === 'closed') continue
    const stats = await pc.getStats()
    stats.forEach((s) => {
      if (s.type !== 'inbound-rtp') return
      if (s.kind === 'video') totals.framesDecoded += s.framesDecoded || 0
      if (s.kind === 'audio') totals.audioPackets += s.packetsReceived || 0
    })
  }
  const video = document.querySelector('[data-testid=call-tile][data-mine=false] video')
  totals.audioTracks = video && video.srcObject ? video.srcObject.getAudioTracks().length : 0
  return totals
}
"""
SELECTED_PAIRS = """
async () => {
  const pairs = []
  for (const pc of window.__pcs) {
    if (pc.connectionState !== 'connected') continue
    const stats = await pc.getStats()
    stats.forEach((s) => {
      if (s.type !== 'transport' || !s.selectedCandidatePairId) return
      const pair = stats.get(s.selectedCandidatePairId)
      pairs.push({
        local: stats.get(pair.localCandidateId).candidateType,
        remote: stats.get(pair.remoteCandidateId).candidateType,
        policy: pc.getConfiguration().iceTransportPolicy,
      })
    })
  }
  return pairs
}
"""
# a socket of this page's own account, speaking the call protocol directly
SIGNAL_AS_THIS_ACCOUNT = """
async ([projectId, sessionId, target]) => {
  const SDP = 'v=0\\r\\nm=video 9 UDP/TLS/RTP/SAVPF 96\\r\\na=sendrecv\\r\\n'
  const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws/projects/${projectId}`)
  const replies = []
  await new Promise((resolve, reject) => {
    const fail = () => reject(new Error('no replies: ' + JSON.stringify(replies)))
    const timer = setTimeout(fail, 10000)
    ws.onmessage = (message) => {
      const frame = JSON.parse(message.data)
      if (frame.type === 'hello') {
        ws.send(JSON.stringify({ type: 'call.join', session_id: sessionId, ref: 'join' }))
        ws.send(JSON.stringify({
          type: 'call.signal', session_id: sessionId, to: target, ref: 'signal',
          description: { type: 'offer', sdp: SDP },
        }))
      }
      if (frame.type === 'error' || frame.type === 'call.joined') replies.push(frame.data)
      if (replies.length === 2) { clearTimeout(timer); resolve() }
    }
  })
  ws.close()
  return replies
}
"""


@pytest.fixture(scope="module")
def media_browser() -> Iterator[Browser]:
    require_browser()
    assert sync_playwright is not None
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
        )
    except Exception as exc:  # a broken chromium install
        playwright.stop()
        _unavailable(f"chromium does not start: {exc}")
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture(scope="module")
def call_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    require_browser()
    with running_demo(tmp_path_factory.mktemp("video-demo")) as server:
        yield server


def live_session(server: DemoServer, *countries: str) -> tuple[int, int]:
    """A session of the demo TwinSpace with the classes of these countries, opened now."""
    anna = server.first("teacher", "PL")
    project_id = int(server.project["id"])
    classes = server.api(anna, "GET", f"/projects/{project_id}/classes")
    class_ids = [c["id"] for c in classes if c["country"] in countries]
    assert len(class_ids) == len(countries), classes
    now = datetime.now(UTC)
    session = server.api(
        anna,
        "POST",
        f"/projects/{project_id}/live-sessions",
        {
            "title": "Rivers of Europe, live",
            "starts_at": (now + timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "class_ids": class_ids,
        },
    )
    server.api(anna, "POST", f"/live-sessions/{session['id']}/open")
    return project_id, int(session["id"])


def open_session(
    browser: Browser, server: DemoServer, username: str, path: str, locale: str
) -> Page:
    context = browser.new_context(base_url=server.base_url, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_CONNECTIONS)
    response = context.request.post(
        "/api/v1/session",
        data={"username": username, "password": server.account(username)["password"]},
    )
    assert response.ok, response.text()
    page = context.new_page()
    page.goto(path)
    return page


def join_with_camera(page: Page, *, classroom_device: bool = False) -> None:
    panel = page.get_by_test_id("call-panel")
    expect(panel).to_be_visible()
    if classroom_device:
        panel.get_by_role("checkbox").first.check()
    page.get_by_test_id("call-join").click()
    expect(panel).to_have_attribute("data-phase", "in-call")


def both_see_and_hear_each_other(pages: list[Page], class_names: list[str]) -> None:
    for page, other in zip(pages, reversed(class_names), strict=True):
        remote = page.locator('[data-testid=call-tile][data-mine="false"]')
        expect(remote).to_have_attribute("data-class-name", other)
        expect(remote).to_have_attribute("data-video", "on")
        expect(remote.locator("video")).to_be_visible()
    for page in pages:
        assert page.evaluate(FRAMES_IN_REMOTE_TILE, 15) >= 15
        first = page.evaluate(INBOUND)
        assert first["audioTracks"] == 1, first
        deadline = time.monotonic() + 20
        while True:  # poll: decoding keeps going and audio packets arrive
            later = page.evaluate(INBOUND)
            if later["framesDecoded"] > first["framesDecoded"] and later["audioPackets"] > 0:
                break
            assert time.monotonic() < deadline, (first, later)
            page.wait_for_timeout(200)


def test_two_classrooms_see_and_hear_each_other_and_outsiders_are_refused(
    media_browser: Browser, call_server: DemoServer
) -> None:
    project_id, session_id = live_session(call_server, "PL", "IT")
    path = f"/projects/{project_id}/sessions/{session_id}"
    anna = open_session(
        media_browser, call_server, call_server.first("teacher", "PL"), path, "pl-PL"
    )
    marco = open_session(
        media_browser, call_server, call_server.first("teacher", "IT"), path, "it-IT"
    )
    try:
        join_with_camera(anna, classroom_device=True)  # the Kraków classroom's camera
        join_with_camera(marco)
        expect(anna.get_by_test_id("call-tile")).to_have_count(2)
        expect(marco.locator('[data-testid=call-tile][data-mine="false"]')).to_contain_text(
            "dispositivo di classe"
        )
        expect(marco.get_by_test_id("call-tile")).to_have_count(2)
        classes = call_server.api(
            call_server.first("teacher", "PL"), "GET", f"/projects/{project_id}/classes"
        )
        names = {c["country"]: c["name"] for c in classes}
        both_see_and_hear_each_other([anna, marco], [names["PL"], names["IT"]])

        # Marco mutes his microphone: Anna's tile for his class says so
        marco.get_by_test_id("call-mic").click()
        expect(
            anna.locator('[data-testid=call-tile][data-mine="false"] [data-testid=badge-muted]')
        ).to_be_visible()
        # Anna, a teacher of the Polish class only, may not switch the Italian camera off
        italian_endpoint = anna.locator('[data-testid=call-tile][data-mine="false"]')
        expect(italian_endpoint.locator("button")).to_have_count(0)

        # the Finnish teacher's class does not take part: the page and the socket refuse her
        aino = open_session(
            media_browser, call_server, call_server.first("teacher", "FI"), path, "en-GB"
        )
        aino.get_by_test_id("call-join").click()
        expect(aino.get_by_test_id("call-refusal")).to_contain_text("Only the teachers")
        target = anna.locator('[data-testid=call-tile][data-mine="true"]').get_attribute(
            "data-endpoint"
        )
        replies = aino.evaluate(SIGNAL_AS_THIS_ACCOUNT, [project_id, session_id, target])
        assert {r["ref"]: r["code"] for r in replies} == {
            "join": "call-refused",
            "signal": "not-in-call",
        }
    finally:
        anna.context.close()
        marco.context.close()


def test_a_teacher_without_a_camera_joins_with_sound_and_says_why(
    media_browser: Browser, call_server: DemoServer
) -> None:
    project_id, session_id = live_session(call_server, "PL", "IT")
    path = f"/projects/{project_id}/sessions/{session_id}"
    page = open_session(
        media_browser, call_server, call_server.first("teacher", "IT"), path, "it-IT"
    )
    try:
        # the browser has no camera to give: getUserMedia with video fails as on such a laptop
        page.evaluate(
            """() => {
              const native = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
              navigator.mediaDevices.getUserMedia = (constraints) => constraints.video
                ? Promise.reject(new DOMException('no camera', 'NotFoundError'))
                : native(constraints)
            }"""
        )
        join_with_camera(page)
        expect(page.get_by_test_id("call-problem")).to_contain_text("Nessuna videocamera")
        mine = page.locator('[data-testid=call-tile][data-mine="true"]')
        expect(mine).to_have_attribute("data-audio", "on")
        expect(mine).to_have_attribute("data-video", "off")
        expect(page.get_by_test_id("call-camera")).to_be_disabled()
    finally:
        page.context.close()


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """A real coturn on free ports with a shared secret: (port, secret)."""
    binary = shutil.which("turnserver")
    if binary is None:
        _unavailable("coturn is missing: run `make turn` (scripts/install-coturn.sh)")
    port = free_port()
    relay_low = 20000 + secrets.randbelow(20000)
    secret = secrets.token_hex(16)
    log_path = tmp_path / "turn.log"
    process = subprocess.Popen(
        [
            str(binary),
            "-n",  # no configuration file
            "--listening-ip=127.0.0.1",
            "--relay-ip=127.0.0.1",
            f"--listening-port={port}",
            f"--min-port={relay_low}",
            f"--max-port={relay_low + 200}",
            "--use-auth-secret",
            f"--static-auth-secret={secret}",
            "--realm=twinspace.test",
            "--allow-loopback-peers",
            "--no-cli",
            "--no-tls",
            "--no-dtls",
            "--fingerprint",
            f"--userdb={tmp_path / 'turndb'}",
            f"--pidfile={tmp_path / 'turn.pid'}",
            f"--log-file={log_path}",
            "--simple-log",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 15
    while "Total General servers" not in _read(log_path):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("coturn did not start: " + _read(log_path)[-2000:])
        time.sleep(0.05)
    try:
        yield port, secret
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read(path: Path) -> str:
    # coturn appends a date to the log file name unless --simple-log; read whichever exists
    for candidate in (path, *path.parent.glob(path.stem + "*")):
        if candidate.is_file():
            return candidate.read_text("utf-8", "replace")
    return ""


def test_a_call_relayed_only_through_coturn(
    media_browser: Browser, coturn: tuple[int, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    port, secret = coturn
    settings: dict[str, Any] = {
        "TWINSPACE_ICE_SERVERS": f"turn:127.0.0.1:{port}?transport=udp",
        "TWINSPACE_TURN_SECRET": secret,
        "TWINSPACE_TURN_TTL_SECONDS": "600",
        "TWINSPACE_ICE_TRANSPORT_POLICY": "relay",
    }
    with running_demo(tmp_path_factory.mktemp("video-turn"), settings) as server:
        project_id, session_id = live_session(server, "PL", "IT")
        path = f"/projects/{project_id}/sessions/{session_id}"
        anna = open_session(media_browser, server, server.first("teacher", "PL"), path, "pl-PL")
        marco = open_session(media_browser, server, server.first("teacher", "IT"), path, "it-IT")
        try:
            join_with_camera(anna)
            join_with_camera(marco)
            classes = server.api(
                server.first("teacher", "PL"), "GET", f"/projects/{project_id}/classes"
            )
            names = {c["country"]: c["name"] for c in classes}
            both_see_and_hear_each_other([anna, marco], [names["PL"], names["IT"]])
            for page in (anna, marco):
                pairs = page.evaluate(SELECTED_PAIRS)
                assert pairs, "no connected peer connection"
                assert all(
                    p == {"local": "relay", "remote": "relay", "policy": "relay"} for p in pairs
                ), pairs
        finally:
            anna.context.close()
            marco.context.close()
