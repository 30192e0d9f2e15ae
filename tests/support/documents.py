"""Real files made with the libraries people make them with, carrying a given text."""

from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image, ImageDraw, ImageFont


def pdf(*lines: str, pages: int = 1) -> bytes:
    """A PDF whose pages hold `lines` as real text (reportlab's canvas)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=A4)
    for page in range(pages):
        for number, line in enumerate(lines):
            drawing.drawString(72, 760 - 18 * number, f"{line}" if page == 0 else f"page {page}")
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def docx(*paragraphs: str, table_cell: str | None = None, link: str | None = None) -> bytes:
    import docx as python_docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = python_docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table_cell is not None:
        document.add_table(rows=1, cols=2).cell(0, 1).text = table_cell
    if link is not None:
        linked = document.add_paragraph("our page")
        rel = document.part.relate_to(link, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "click"
        run.append(text)
        hyperlink.append(run)
        linked._p.append(hyperlink)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx(*cells: str, sheet: str = "Rivers") -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for number, cell in enumerate(cells, start=1):
        worksheet.cell(row=number, column=2, value=cell)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx(title: str, notes: str | None = None) -> bytes:
    import pptx as python_pptx

    presentation = python_pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = title
    if notes is not None:
        slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def odt(*paragraphs: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def mp3(title: str, comment: str | None = None) -> bytes:
    """A few MPEG layer III frames with an ID3v2 tag written by mutagen."""
    import tempfile

    from mutagen.id3 import COMM, ID3, TIT2, TPE1

    # 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
    frame = b"\xff\xfb\x90\x00" + bytes(413)
    with tempfile.NamedTemporaryFile(suffix=".mp3") as handle:
        handle.write(frame * 8)
        handle.flush()
        tags = ID3()  # type: ignore[no-untyped-call]
        tags.add(TIT2(encoding=3, text=[title]))  # type: ignore[no-untyped-call]
        tags.add(TPE1(encoding=3, text=["Class 5b"]))  # type: ignore[no-untyped-call]
        if comment is not None:
            comm = COMM(encoding=3, lang="eng", desc="", text=[comment])  # type: ignore[no-untyped-call]
            tags.add(comm)  # type: ignore[no-untyped-call]
        tags.save(handle.name)
        with open(handle.name, "rb") as written:
            return written.read()


def srt(*cues: str) -> str:
    blocks = [
        f"{number}\n00:00:{number:02d},000 --> 00:00:{number:02d},900\n{cue}\n"
        for number, cue in enumerate(cues, start=1)
    ]
    return "\n".join(blocks)


def png_with_text(text: str) -> bytes:
    """A picture with `text` written in large clear letters (for OCR)."""
    font = ImageFont.load_default(size=44)
    width = int(font.getlength(text)) + 80
    image = Image.new("RGB", (width, 120), "white")
    ImageDraw.Draw(image).text((40, 30), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def zip_bomb_docx(unpacked: int) -> bytes:
    """A DOCX-shaped archive whose document part unpacks to `unpacked` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * unpacked)
    return out.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _ebml(element_id: bytes, payload: bytes) -> bytes:
    return element_id + b"\x01" + len(payload).to_bytes(7, "big") + payload


def webm(title: str, comment: str) -> bytes:
    """A WebM (Matroska) file's header with a segment title and a COMMENT tag."""
    header = _ebml(
        b"\x1a\x45\xdf\xa3",
        _ebml(b"\x42\x82", b"webm") + _ebml(b"\x42\x87", b"\x02") + _ebml(b"\x42\x85", b"\x02"),
    )
    info = _ebml(
        b"\x15\x49\xa9\x66",
        _ebml(b"\x2a\xd7\xb1", (1_000_000).to_bytes(3, "big")) + _ebml(b"\x7b\xa9", title.encode()),
    )
    simple = _ebml(
        b"\x67\xc8", _ebml(b"\x45\xa3", b"COMMENT") + _ebml(b"\x44\x87", comment.encode())
    )
    tags = _ebml(b"\x12\x54\xc3\x67", _ebml(b"\x73\x73", _ebml(b"\x63\xc0", b"") + simple))

    def seek_head(info_at: int, tags_at: int) -> bytes:
        seeks = b"".join(
            _ebml(b"\x4d\xbb", _ebml(b"\x53\xab", kind) + _ebml(b"\x53\xac", at.to_bytes(8, "big")))
            for kind, at in ((b"\x15\x49\xa9\x66", info_at), (b"\x12\x54\xc3\x67", tags_at))
        )
        return _ebml(b"\x11\x4d\x9b\x74", seeks)

    head_size = len(seek_head(0, 0))
    segment = seek_head(head_size, head_size + len(info)) + info + tags
    return header + _ebml(b"\x18\x53\x80\x67", segment)
