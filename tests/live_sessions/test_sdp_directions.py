"""Which SDPs would send audio or video (live_sessions/sdp.py): what the server refuses from a
pupil's device that its teacher has not allowed."""

from __future__ import annotations

import pytest

from twinspace.live_sessions.sdp import sends_media

HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.mark.parametrize(
    ("body", "sends"),
    [
        ("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n", True),
        ("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendonly\r\n", True),
        ("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=recvonly\r\n", False),
        ("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=inactive\r\n", False),
        # no direction: the session's, and by default sendrecv (RFC 8866 §6.7)
        ("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", True),
        # a rejected section sends nothing; a bundle-only one is live despite port 0
        ("m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\n", False),
        ("m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=bundle-only\r\na=sendrecv\r\n", True),
        # data channels are not camera or microphone
        ("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sendrecv\r\n", False),
        ("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=recvonly\r\nm=video 9 RTP/AVP 96\r\n", True),
    ],
)
def test_media_sections_that_send(body: str, sends: bool) -> None:
    assert sends_media(HEAD + body) is sends


def test_a_session_level_direction_applies_to_sections_without_their_own() -> None:
    assert not sends_media(HEAD + "a=recvonly\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n")
    assert sends_media(HEAD + "a=recvonly\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n")
    assert not sends_media("")
