"""Read the text of one uploaded file with a well-kept library per format.

Blocking and possibly slow or memory-hungry on hostile files: `worker` runs these in a child
process with limits. Each reader puts what a reader of the file would see (body text, tables,
notes, headers, document properties, link targets, tags) into a `TextSink`, which stops them
at the character limit. What a reader cannot read at all raises `Unreadable`.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twinspace.moderation.file_text.sink import TextSink

SUBTITLE_EXTENSIONS = frozenset({"srt", "vtt", "ass", "ssa", "sub"})
TABLE_EXTENSIONS = frozenset({"csv", "tsv"})
_CUE = re.compile(r"^\s*(?:\d+\s*\n)?\d{1,2}:\d\d(?::\d\d)?[,.]\d{3}\s*-->", re.MULTILINE)
_PROPERTY_NAMES = ("title", "subject", "author", "keywords", "comments", "category", "description")


class Unreadable(Exception):
    """The file's text cannot be read (damaged, encrypted, too large once unpacked)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_chars: int
    max_pages: int  # PDF pages, slides, spreadsheet sheets
    max_unpacked_bytes: int  # Office/OpenDocument archives, all entries together
    ocr_seconds: float = 30.0
    ocr_languages: str = "eng"  # Tesseract's "eng+pol" form
    ocr_binary: str = "tesseract"


Reader = Callable[[Path, str, TextSink, Limits], None]


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


# ---------------------------------------------------------------- plain text


def read_plain(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Text, Markdown (as written, link targets included), CSV cells, subtitle cues."""
    with path.open("rb") as handle:
        data = handle.read(limits.max_chars * 4 + 4)
    text = data.decode("utf-8", "ignore").lstrip("\ufeff")
    if len(data) > limits.max_chars * 4:
        sink.truncated = True
    extension = _extension(filename)
    if extension in SUBTITLE_EXTENSIONS or text.startswith("WEBVTT") or _CUE.search(text[:2000]):
        if _subtitles(text, sink):
            return
    if extension in TABLE_EXTENSIONS:
        _table(text, extension, sink)
        return
    for line in text.splitlines():
        sink.add(line)


def _subtitles(text: str, sink: TextSink) -> bool:
    """The words of each cue, without cue numbers and times (they look like phone numbers)."""
    import pysubs2

    try:
        subtitles = pysubs2.SSAFile.from_string(text)
    except (pysubs2.exceptions.Pysubs2Error, ValueError):
        return False
    for event in subtitles.events:
        sink.add(event.plaintext)
    return True


def _table(text: str, extension: str, sink: TextSink) -> None:
    """One line per cell, so numbers in neighbouring cells never read as one number."""
    delimiter = "\t" if extension == "tsv" else None
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(max(sink.limit, 1024))
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            for cell in row:
                sink.add(cell)
    except csv.Error:
        for line in text.splitlines():
            sink.add(line)


# ---------------------------------------------------------------- PDF


def read_pdf(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Page text, document properties and link targets of the first `max_pages` pages."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("the PDF is protected by a password")
        info: Any = reader.metadata or {}
        for key in ("/Title", "/Subject", "/Author", "/Keywords"):
            sink.add(info.get(key))
        for number, page in enumerate(reader.pages):
            if number >= limits.max_pages:
                sink.truncated = True
                return
            sink.add(page.extract_text())
            for target in _pdf_link_targets(page):
                sink.add(target)
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
        raise Unreadable(f"the PDF could not be read ({type(exc).__name__})") from exc


def _pdf_link_targets(page: Any) -> Iterable[str]:
    annotations = page.get("/Annots")
    if annotations is None:
        return
    for reference in annotations.get_object():
        annotation = reference.get_object()
        action = annotation.get("/A")
        if action is not None:
            uri = action.get_object().get("/URI")
            if uri is not None:
                yield str(uri)


# ---------------------------------------------------------------- Office Open XML


def _check_archive(path: Path, limits: Limits) -> None:
    """Refuse archives that unpack past the limit before any library inflates them."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable("the document is damaged") from exc
    if unpacked > limits.max_unpacked_bytes:
        raise Unreadable(f"the document unpacks to {unpacked} bytes, more than is checked")


def _paragraphs(element: Any, paragraph_tag: str, text_tag: str, sink: TextSink) -> None:
    for paragraph in element.iter(paragraph_tag):
        sink.add("".join(node.text or "" for node in paragraph.iter(text_tag)))


def _external_targets(part: Any, sink: TextSink) -> None:
    for relation in part.rels.values():
        if relation.is_external:
            sink.add(relation.target_ref)


def _core_properties(properties: Any, sink: TextSink) -> None:
    for name in _PROPERTY_NAMES:
        sink.add(getattr(properties, name, None))


def read_docx(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Every part's paragraphs (body, tables, text boxes, headers, footers, notes, comments),
    link targets and the document's properties (python-docx)."""
    _check_archive(path, limits)
    import docx
    from docx.opc.exceptions import OpcError
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
        _core_properties(document.core_properties, sink)
        for part in document.part.package.iter_parts():
            element = getattr(part, "element", None)
            if element is not None and part.content_type.endswith("+xml"):
                _paragraphs(element, qn("w:p"), qn("w:t"), sink)
                _external_targets(part, sink)
    except (OpcError, KeyError, ValueError) as exc:
        raise Unreadable("the document could not be read") from exc


def read_pptx(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Text of the first `max_pages` slides and their notes, link targets, properties
    (python-pptx)."""
    _check_archive(path, limits)
    import pptx
    from pptx.exc import PythonPptxError
    from pptx.oxml.ns import qn

    try:
        presentation = pptx.Presentation(str(path))
        _core_properties(presentation.core_properties, sink)
        for number, slide in enumerate(presentation.slides):
            if number >= limits.max_pages:
                sink.truncated = True
                return
            parts = [slide.part]
            if slide.has_notes_slide:
                parts.append(slide.notes_slide.part)
            for part in parts:
                _paragraphs(part._element, qn("a:p"), qn("a:t"), sink)
                _external_targets(part, sink)
    except (PythonPptxError, KeyError, ValueError) as exc:
        raise Unreadable("the presentation could not be read") from exc


def read_xlsx(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Sheet names and text cells of the first `max_pages` sheets (openpyxl, read-only mode
    streams rows). Numbers typed as numbers are data, not read."""
    _check_archive(path, limits)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    handle = path.open("rb")  # a file, not a path: stored uploads have no extension
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, InvalidFileException) as exc:
        handle.close()
        raise Unreadable("the spreadsheet could not be read") from exc
    try:
        _core_properties(workbook.properties, sink)
        for number, sheet in enumerate(workbook.worksheets):
            if number >= limits.max_pages:
                sink.truncated = True
                return
            sink.add(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    sink.add(value)
    finally:
        workbook.close()
        handle.close()


# ---------------------------------------------------------------- OpenDocument


def read_odf(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Paragraphs and headings (also in tables, frames, notes, cells), link targets and the
    document's title, subject, description and keywords (odfpy)."""
    _check_archive(path, limits)
    from odf import dc, meta, teletype, text
    from odf.opendocument import load

    try:
        document = load(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise Unreadable("the document could not be read") from exc
    except Exception as exc:  # odfpy raises bare SAX and attribute errors on damaged XML
        raise Unreadable(f"the document could not be read ({type(exc).__name__})") from exc
    for kind in (dc.Title, dc.Subject, dc.Description, meta.Keyword):
        for element in document.getElementsByType(kind):
            sink.add(teletype.extractText(element))
    for kind in (text.H, text.P):
        for element in document.getElementsByType(kind):
            sink.add(teletype.extractText(element))
    for element in document.getElementsByType(text.A):
        sink.add(element.getAttribute("href"))


# ---------------------------------------------------------------- audio and video tags


def read_tags(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Text tags of audio and video files: title, artist, album, comment, lyrics, URLs…
    (mutagen: ID3, Vorbis comments, MP4 atoms, FLAC, WAV). Pictures and binary tags are
    skipped."""
    import mutagen

    try:
        media = mutagen.File(path)
    except mutagen.MutagenError as exc:
        raise Unreadable("the file's tags could not be read") from exc
    if media is None or media.tags is None:
        return
    tags = media.tags
    entries = tags.items() if hasattr(tags, "items") else list(tags)
    for _key, value in entries:
        for piece in _tag_texts(value):
            sink.add(piece)


def _tag_texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _tag_texts(item)
    elif hasattr(value, "text"):  # an ID3 text, comment or lyrics frame
        yield from _tag_texts(list(value.text))
    elif isinstance(getattr(value, "url", None), str):  # an ID3 link frame
        yield value.url


def read_matroska(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """The title, tags, track names and chapter titles of WebM and Matroska files (enzyme)."""
    import enzyme
    from enzyme.exceptions import MalformedMKVError, ParserError

    try:
        with path.open("rb") as handle:
            video = enzyme.MKV(handle)
    except (MalformedMKVError, ParserError, ValueError, KeyError, IndexError, EOFError) as exc:
        raise Unreadable("the video's metadata could not be read") from exc
    if video.info is not None:
        sink.add(video.info.title)
    for tag in video.tags:
        for simple in tag.simpletags:
            sink.add(simple.string)
    for track in [*video.video_tracks, *video.audio_tracks, *video.subtitle_tracks]:
        sink.add(track.name)
    for chapter in video.chapters:
        sink.add(chapter.string)


# ---------------------------------------------------------------- images


def read_image(path: Path, filename: str, sink: TextSink, limits: Limits) -> None:
    """Text inside the picture through Tesseract (the caller checked it is installed with
    `limits.ocr_languages`)."""
    try:
        done = subprocess.run(
            [limits.ocr_binary, str(path), "stdout", "-l", limits.ocr_languages, "--psm", "3"],
            capture_output=True,
            timeout=limits.ocr_seconds,
            check=False,
            env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/local/bin:/usr/bin:/bin"},
        )
    except subprocess.TimeoutExpired as exc:
        raise Unreadable("reading the text in the image took too long") from exc
    if done.returncode != 0:
        raise Unreadable("the text in the image could not be read")
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        sink.add(line)


READERS: dict[str, Reader] = {
    "text": read_plain,
    "pdf": read_pdf,
    "docx": read_docx,
    "pptx": read_pptx,
    "xlsx": read_xlsx,
    "odf": read_odf,
    "tags": read_tags,
    "matroska": read_matroska,
    "image": read_image,
}
