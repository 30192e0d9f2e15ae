"""The content-addressed blob store for uploads, and safe display names for them.

Blobs live at `media_dir/<sha256[:2]>/<sha256>`: one blob serves every upload with the same
bytes. Temporary files (uploads being received) live in `media_dir/tmp`, on the same disk, so
adopting a finished one is a rename. All methods block: call them off the event loop.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from pathlib import Path

CHUNK = 64 * 1024
_UNSAFE = frozenset("\"';<>|*?:%`$")


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def safe_name(declared: str, extension: str) -> str:
    """A display name from the client's file name: no path, no control, format or quoting
    characters, bounded, and ending in the extension of the type detected from the bytes."""
    base = unicodedata.normalize("NFC", declared.replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(
        ch
        for ch in base
        if ch == " " or (unicodedata.category(ch)[0] not in "CZ" and ch not in _UNSAFE)
    ).strip(" .")
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base
    return f"{(stem or 'upload')[:100]}.{extension}"


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def temp_path(self) -> Path:
        self.tmp.mkdir(parents=True, exist_ok=True)
        return self.tmp / f"upload-{secrets.token_hex(12)}"

    def adopt(self, source: Path, sha256: str) -> None:
        """Move a finished temporary file into place (or drop it when the blob exists)."""
        target = self.path(sha256)
        if target.exists():
            source.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)

    def put_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.path(sha256).exists():
            temp = self.temp_path()
            temp.write_bytes(data)
            self.adopt(temp, sha256)
        return sha256

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)
