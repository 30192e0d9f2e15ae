"""Reading uploads' text: what each reader keeps and leaves out, and the limits of the child
process that reads (characters, pages, unpacked size, memory, time)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import psutil
import pytest

from tests.support import documents
from twinspace.moderation.file_text.ocr import Tesseract
from twinspace.moderation.file_text.readers import READERS, Limits, Unreadable
from twinspace.moderation.file_text.service import FileTextReader, ReadLimits
from twinspace.moderation.file_text.sink import TextFull, TextSink

LIMITS = Limits(max_chars=100_000, max_pages=50, max_unpacked_bytes=50_000_000)


def read(tmp_path: Path, reader: str, name: str, data: bytes, limits: Limits = LIMITS) -> TextSink:
    path = tmp_path / "upload"
    path.write_bytes(data)
    sink = TextSink(limits.max_chars)
    try:
        READERS[reader](path, name, sink, limits)
    except TextFull:
        pass
    return sink


def test_subtitle_times_are_left_out_and_cue_words_kept(tmp_path: Path) -> None:
    text = read(tmp_path, "text", "film.srt", documents.srt("Hello", "Bye").encode()).text()
    assert text == "Hello\nBye"
    assert "-->" not in text and "00:00" not in text


def test_csv_cells_are_read_one_by_one(tmp_path: Path) -> None:
    text = read(tmp_path, "text", "x.csv", b"a;b\n601;234 567\n").text()
    assert text.split("\n") == ["a", "b", "601", "234 567"]


def test_markdown_keeps_its_link_targets(tmp_path: Path) -> None:
    text = read(tmp_path, "text", "x.md", b"# T\n\n[chat](https://discord.gg/x)\n").text()
    assert "https://discord.gg/x" in text


def test_pdf_pages_past_the_limit_are_not_read(tmp_path: Path) -> None:
    limits = Limits(max_chars=100_000, max_pages=2, max_unpacked_bytes=1)
    sink = read(tmp_path, "pdf", "x.pdf", documents.pdf("first", pages=5), limits)
    assert sink.truncated and "page 1" in sink.text() and "page 2" not in sink.text()


def test_docx_tables_and_link_targets_are_read(tmp_path: Path) -> None:
    data = documents.docx("Body", table_cell="in a cell", link="https://example.org/x")
    text = read(tmp_path, "docx", "x.docx", data).text()
    assert {"Body", "in a cell", "https://example.org/x"} <= set(text.split("\n"))


def test_spreadsheet_numbers_are_data_not_text(tmp_path: Path) -> None:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["length", 1047])
    out = io.BytesIO()
    workbook.save(out)
    text = read(tmp_path, "xlsx", "x.xlsx", out.getvalue()).text()
    assert "length" in text and "1047" not in text


def test_archives_that_unpack_past_the_limit_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match="unpacks to"):
        read(tmp_path, "docx", "x.docx", documents.zip_bomb_docx(60_000_000))


def test_the_sink_stops_at_its_limit() -> None:
    sink = TextSink(10)
    sink.add("12345")
    with pytest.raises(TextFull):
        sink.add("abcdefghij")
    assert sink.truncated and len(sink.text()) <= 11


async def test_the_worker_is_bounded_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "doc"
    path.write_bytes(documents.docx("hello"))
    small = FileTextReader(ReadLimits(memory_bytes=16 * 1024 * 1024))
    roomy = FileTextReader(ReadLimits())
    assert (await roomy.read(path, "docx", "doc.docx", "PL")).text.endswith("hello")
    starved = await small.read(path, "docx", "doc.docx", "PL")
    assert starved.unchecked is not None and starved.text == ""


async def test_a_worker_past_its_time_is_killed_with_its_children(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(documents.pdf("hello", pages=50))
    reader = FileTextReader(ReadLimits(timeout_seconds=0.05))
    result = await reader.read(path, "pdf", "doc.pdf", "PL")
    assert result.unchecked == "reading the file took longer than 0.05 s"
    me = psutil.Process(os.getpid())
    assert [
        c for c in me.children(recursive=True) if "file_text.worker" in " ".join(c.cmdline())
    ] == []


async def test_formats_without_text_are_skipped_with_a_note(tmp_path: Path) -> None:
    reader = FileTextReader(ReadLimits())
    result = await reader.read(tmp_path / "none", None, "x.bin", None)
    assert result.text == "" and result.unchecked is None and result.note


def test_ocr_languages_follow_the_pupils_country() -> None:
    tesseract = Tesseract(True, frozenset({"eng", "pol", "fin", "swe"}))
    assert tesseract.languages_for("PL", ("eng",)) == "eng+pol"
    assert tesseract.languages_for("FI", ("eng",)) == "eng+fin+swe"
    assert tesseract.languages_for("IT", ("eng",)) == "eng", "Italian data not installed"
    assert tesseract.languages_for(None, ("ita",)) is None


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
async def test_ocr_reads_words_in_a_picture(tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    path.write_bytes(documents.png_with_text("Rivers of Europe 601 234 567"))
    reader = FileTextReader(ReadLimits())
    assert (await reader.probe_ocr()).available
    result = await reader.read(path, "image", "poster.png", "PL")
    assert "Rivers of Europe" in result.text and "601 234 567" in result.text
