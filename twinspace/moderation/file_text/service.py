"""Read an upload's text off the event loop, bounded in time, memory and characters.

Each file is read by a child process (`worker`) in its own process group with an address-space
and CPU limit; at the time limit the whole group (the worker and any Tesseract it started) is
killed. At most `concurrency` files are read at once. What could not be fully read is reported
as `unchecked` so moderation holds it for a teacher rather than publishing unread text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge

from twinspace.moderation.file_text.ocr import Tesseract, probe

log = logging.getLogger("twinspace.moderation.file_text")
WORKER = "twinspace.moderation.file_text.worker"
READERS = frozenset({"text", "pdf", "docx", "pptx", "xlsx", "odf", "tags", "matroska", "image"})


@dataclass(frozen=True, slots=True)
class FileText:
    """What an upload says, for the filters.

    `unchecked`: why some of it could not be read (moderation holds the upload for a
    teacher). `note`: what was skipped on purpose (no OCR installed, no reader for the
    format); the upload is judged on the rest.
    """

    text: str = ""
    unchecked: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReadLimits:
    timeout_seconds: float = 30.0
    max_chars: int = 200_000
    max_pages: int = 500
    max_unpacked_bytes: int = 256 * 1024 * 1024
    memory_bytes: int = 1024 * 1024 * 1024
    tesseract: str = "tesseract"  # empty: no OCR
    ocr_languages: tuple[str, ...] = ("eng",)
    concurrency: int = 2


class FileTextReader:
    def __init__(self, limits: ReadLimits, registry: CollectorRegistry | None = None) -> None:
        self.limits = limits
        self._slots = asyncio.Semaphore(max(1, limits.concurrency))
        self._tesseract: Tesseract | None = None
        self._probing = asyncio.Lock()
        registry = registry if registry is not None else CollectorRegistry()
        self._reads = Counter(
            "twinspace_upload_text_reads_total",
            "Uploads whose text was read for moderation, by result"
            " (read, unchecked: held for a teacher, skipped: nothing to read with)",
            ["reader", "result"],
            registry=registry,
        )
        self._ocr = Gauge(
            "twinspace_ocr_available",
            "1 when Tesseract reads text inside uploaded images, 0 when it is not installed",
            registry=registry,
        )
        self._ocr.set_function(lambda: 1.0 if self.ocr.available else 0.0)

    @property
    def ocr(self) -> Tesseract:
        return self._tesseract or Tesseract(False, frozenset(), "not looked for yet")

    async def probe_ocr(self) -> Tesseract:
        """Look for Tesseract once; say so in the log when it is missing."""
        async with self._probing:
            if self._tesseract is None:
                if self.limits.tesseract:
                    found = await probe(self.limits.tesseract)
                else:
                    found = Tesseract(False, frozenset(), "turned off (TWINSPACE_TESSERACT empty)")
                if not found.available:
                    log.warning(
                        "OCR unavailable, text inside uploaded images is not checked: %s",
                        found.reason,
                    )
                self._tesseract = found
            return self._tesseract

    async def read(
        self, path: Path, reader: str | None, filename: str, country: str | None
    ) -> FileText:
        """The text of the file at `path` for `reader` (None: a format without one)."""
        if reader is None:
            self._reads.labels("none", "skipped").inc()
            return FileText(note="this kind of file has no text that is read")
        if reader not in READERS:
            raise ValueError(f"no reader {reader!r}")
        languages = "eng"
        if reader == "image":
            tesseract = await self.probe_ocr()
            chosen = tesseract.languages_for(country, self.limits.ocr_languages)
            if not tesseract.available or chosen is None:
                why = tesseract.reason or "no Tesseract language data for " + "+".join(
                    self.limits.ocr_languages
                )
                self._reads.labels(reader, "skipped").inc()
                return FileText(note=f"text inside the image was not checked: {why}")
            languages = chosen
        async with self._slots:
            result = await self._run(path, reader, filename, languages)
        self._reads.labels(reader, "unchecked" if result.unchecked else "read").inc()
        return result

    async def _run(self, path: Path, reader: str, filename: str, languages: str) -> FileText:
        limits = self.limits
        request = {
            "path": str(path),
            "reader": reader,
            "filename": filename,
            "memory_bytes": limits.memory_bytes,
            "cpu_seconds": int(limits.timeout_seconds) + 1,
            "limits": {
                "max_chars": limits.max_chars,
                "max_pages": limits.max_pages,
                "max_unpacked_bytes": limits.max_unpacked_bytes,
                "ocr_seconds": limits.timeout_seconds,
                "ocr_languages": languages,
                "ocr_binary": limits.tesseract or "tesseract",
            },
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            WORKER,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            env=_worker_environment(),
        )
        try:
            out, err = await asyncio.wait_for(
                process.communicate(json.dumps(request).encode()), limits.timeout_seconds
            )
        except TimeoutError:
            return FileText(
                unchecked=f"reading the file took longer than {limits.timeout_seconds:g} s"
            )
        finally:
            if process.returncode is None:
                _kill_group(process.pid)
                await process.wait()
        if process.returncode != 0:
            log.warning(
                "reading an upload (%s) failed with exit code %s: %s",
                reader,
                process.returncode,
                err.decode("utf-8", "replace")[-300:].strip().replace("\n", " | "),
            )
            return FileText(unchecked="the file could not be read")
        try:
            answer = json.loads(out)
        except ValueError:
            return FileText(unchecked="the file could not be read")
        if "unreadable" in answer:
            return FileText(unchecked=str(answer["unreadable"]))
        text = str(answer.get("text", ""))
        if answer.get("truncated"):
            return FileText(
                text, unchecked=f"only the first {len(text)} characters of the file were checked"
            )
        return FileText(text)


def _worker_environment() -> dict[str, str]:
    """The server's environment without its own settings (the metrics token among them)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("TWINSPACE_")}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
