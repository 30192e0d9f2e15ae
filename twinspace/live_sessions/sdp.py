"""What an SDP offer or answer says about sending media: enough to enforce "pupils' devices
publish no camera or microphone unless their teacher allows it" at the signalling server.

Only the `m=` lines and the direction attributes are read (RFC 8866 §5.14 and §6.7: a media
section without a direction inherits the session's, and the default is `sendrecv`); a media
section with port 0 is rejected or stopped and sends nothing, unless it is `a=bundle-only`
(RFC 8843 §6: such a section is live on the bundle's transport). Everything else in the SDP is
the browsers' business and is relayed untouched.
"""

from __future__ import annotations

DIRECTIONS = frozenset({"sendrecv", "sendonly", "recvonly", "inactive"})
SENDING = frozenset({"sendrecv", "sendonly"})
MEDIA_KINDS = frozenset({"audio", "video"})


def sends_media(sdp: str) -> bool:
    """True when any audio or video section of `sdp` would send (sendrecv or sendonly)."""
    session_direction = "sendrecv"
    sections: list[tuple[str, bool, str | None]] = []  # kind, open, own direction
    for raw in sdp.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            parts = line[2:].split()
            kind = parts[0] if parts else ""
            port = parts[1].split("/")[0] if len(parts) > 1 else "0"
            sections.append((kind, port != "0", None))
        elif line == "a=bundle-only" and sections:
            kind, _, direction = sections[-1]
            sections[-1] = (kind, True, direction)
        elif line.startswith("a=") and line[2:] in DIRECTIONS:
            if sections:
                kind, is_open, _ = sections[-1]
                sections[-1] = (kind, is_open, line[2:])
            else:
                session_direction = line[2:]
    return any(
        kind in MEDIA_KINDS and is_open and (direction or session_direction) in SENDING
        for kind, is_open, direction in sections
    )
