"""Image re-encoding: no metadata survives, orientation applied, size and format guards."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, PngImagePlugin

from twinspace.moderation.filters import (
    ImageRejected,
    ImageTooLarge,
    SanitizedImage,
    UnsupportedImage,
    sanitize_image,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112
SECRET = "SECRET-METADATA-42"


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = SECRET  # camera make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (52.0, 13.0, 30.0)
    gps[3] = "E"
    gps[4] = (21.0, 0.0, 12.0)
    return exif


def srgb_icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def two_colour(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new(mode, size, (255, 0, 0) if mode == "RGB" else (255, 0, 0, 255))
    image.paste((0, 0, 255) if mode == "RGB" else (0, 0, 255, 255), (size[0] // 2, 0, *size))
    return image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(result: SanitizedImage) -> None:
    for blob in (result.data, result.thumbnail):
        assert SECRET.encode() not in blob
        for marker in (b"Exif", b"XMP", b"http://ns.adobe.com", b"tEXt", b"iTXt", b"zTXt",
                       b"eXIf", b"iCCP", b"ICCP", b"ICC_PROFILE", b"acsp"):  # fmt: skip
            assert marker not in blob, marker
        image = reopen(blob)
        assert not image.getexif()
        assert "icc_profile" not in image.info
        assert "comment" not in image.info
        assert "xmp" not in image.info


def test_jpeg_exif_gps_xmp_icc_and_comment_are_dropped() -> None:
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{SECRET}</x:xmpmeta>'.encode()
    data = encode(
        two_colour(),
        "JPEG",
        exif=exif_with_gps().tobytes(),
        icc_profile=srgb_icc(),
        comment=SECRET.encode(),
        xmp=xmp,
    )
    assert SECRET.encode() in data and b"Exif" in data  # the fixture really carries metadata
    assert reopen(data).getexif().get_ifd(GPS_IFD)
    result = sanitize_image(data)
    assert result.mime == "image/jpeg"
    assert (result.width, result.height, result.frames) == (40, 20, 1)
    assert_no_metadata(result)


@pytest.mark.parametrize(
    ("orientation", "size", "top_left", "bottom_right"),
    [
        (1, (40, 20), "red", "blue"),
        (3, (40, 20), "blue", "red"),
        (6, (20, 40), "red", "blue"),  # rotated 90° clockwise: the left half goes on top
        (8, (20, 40), "blue", "red"),
    ],
)
def test_orientation_is_applied_before_exif_is_dropped(
    orientation: int, size: tuple[int, int], top_left: str, bottom_right: str
) -> None:
    data = encode(two_colour(), "PNG", exif=exif_with_gps(orientation).tobytes())
    result = sanitize_image(data)
    image = reopen(result.data).convert("RGB")
    assert image.size == size == (result.width, result.height)
    colours = {"red": (255, 0, 0), "blue": (0, 0, 255)}
    assert image.getpixel((0, 0)) == colours[top_left]
    assert image.getpixel((size[0] - 1, size[1] - 1)) == colours[bottom_right]


def test_png_text_chunks_and_icc_are_dropped() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)
    info.add_text("Comment", SECRET, zip=True)
    info.add_itxt("Description", SECRET, lang="en", tkey="Description")
    data = encode(two_colour(mode="RGBA"), "PNG", pnginfo=info, icc_profile=srgb_icc())
    assert data.count(SECRET.encode()) >= 2
    result = sanitize_image(data)
    assert result.mime == "image/png"
    assert result.thumbnail_mime == "image/png"  # transparency kept
    assert reopen(result.data).mode == "RGBA"
    assert_no_metadata(result)


def test_icc_colours_are_converted_not_lost() -> None:
    data = encode(two_colour(), "PNG", icc_profile=srgb_icc())
    image = reopen(sanitize_image(data).data).convert("RGB")
    red = image.getpixel((0, 0))
    assert isinstance(red, tuple) and red[0] > 240 and red[1] < 15 and red[2] < 15


def test_webp_metadata_is_dropped() -> None:
    data = encode(
        two_colour(),
        "WEBP",
        exif=exif_with_gps().tobytes(),
        icc_profile=srgb_icc(),
        xmp=SECRET.encode(),
    )
    assert SECRET.encode() in data
    result = sanitize_image(data)
    assert result.mime == "image/webp"
    assert_no_metadata(result)


def animated(fmt: str, frames: int = 5, comment: bytes | None = None) -> bytes:
    images = [Image.new("RGBA", (30, 20), (40 * i, 0, 255 - 40 * i, 255)) for i in range(frames)]
    params: dict[str, object] = {} if comment is None else {"comment": comment}
    out = io.BytesIO()
    images[0].save(out, fmt, save_all=True, append_images=images[1:], duration=70, loop=0, **params)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animations_stay_animated(fmt: str) -> None:
    data = animated(fmt, comment=SECRET.encode() if fmt == "GIF" else None)
    result = sanitize_image(data)
    assert result.frames == 5
    image = reopen(result.data)
    assert getattr(image, "n_frames", 1) == 5
    assert image.info.get("duration") == 70
    assert_no_metadata(result)
    thumb = reopen(result.thumbnail)
    assert getattr(thumb, "n_frames", 1) == 1  # the thumbnail is a still


def test_thumbnail_fits_the_box() -> None:
    result = sanitize_image(encode(Image.new("RGB", (1000, 500), "green"), "JPEG"))
    assert (result.thumbnail_width, result.thumbnail_height) == (320, 160)
    assert result.thumbnail_mime == "image/jpeg"
    assert reopen(result.thumbnail).size == (320, 160)
    small = sanitize_image(encode(Image.new("RGB", (100, 50), "green"), "PNG"), thumbnail_size=64)
    assert (small.thumbnail_width, small.thumbnail_height) == (64, 32)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_large_images_are_scaled_down_to_the_kept_size(fmt: str) -> None:
    exif = exif_with_gps(orientation=6)  # the kept size is upright as well
    source = Image.new("RGB", (3000, 2000), "orange")
    result = sanitize_image(encode(source, fmt, exif=exif), keep_pixels=1_000_000)
    assert result.width * result.height <= 1_000_000
    assert (result.width, result.height) == (667, 1000)  # a whole factor (3), then turned
    assert reopen(result.data).size == (result.width, result.height)
    assert_no_metadata(result)


def test_animations_are_scaled_to_the_kept_size_over_all_frames() -> None:
    result = sanitize_image(animated("GIF", frames=5), keep_pixels=5 * 100)
    assert result.frames == 5
    assert result.width * result.height * result.frames <= 500


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [("CMYK", "JPEG"), ("L", "JPEG"), ("L", "PNG"), ("LA", "PNG"), ("P", "PNG"), ("1", "PNG")],
)
def test_other_modes_become_rgb_or_rgba(mode: str, fmt: str) -> None:
    image = Image.new(mode, (16, 16))
    params: dict[str, object] = {"transparency": 0} if mode == "P" else {}
    result = sanitize_image(encode(image, fmt, **params))
    expected = "RGBA" if mode in ("LA", "P") else "RGB"
    assert reopen(result.data).mode == expected


def png_with_size(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims another size (nothing beyond the header is decoded)."""
    data = bytearray(encode(Image.new("RGB", (1, 1)), "PNG"))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


@pytest.mark.parametrize("size", [(50_000, 50_000), (9_000, 9_000)])
def test_decompression_bombs_are_refused(size: tuple[int, int]) -> None:
    with pytest.raises(ImageTooLarge, match="pixels"):
        sanitize_image(png_with_size(*size))


def test_limits() -> None:
    with pytest.raises(ImageTooLarge):
        sanitize_image(encode(Image.new("RGB", (100, 100)), "PNG"), max_pixels=5_000)
    with pytest.raises(ImageTooLarge, match="frames"):
        sanitize_image(animated("GIF", frames=5), max_frames=3)
    with pytest.raises(ImageTooLarge, match="animation"):
        sanitize_image(animated("GIF", frames=5), max_total_pixels=2_000)
    with pytest.raises(ImageTooLarge, match="MB"):
        sanitize_image(b"\0" * 2_000_000, max_bytes=1_000_000)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        encode(Image.new("RGB", (8, 8)), "BMP"),
        encode(Image.new("RGB", (8, 8)), "TIFF"),
        encode(Image.new("RGB", (64, 64), "red"), "JPEG")[:200],  # truncated
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
)
def test_unsupported_or_broken_files(data: bytes) -> None:
    with pytest.raises(UnsupportedImage):
        sanitize_image(data)


def test_errors_are_value_errors_with_readable_messages() -> None:
    with pytest.raises(ValueError, match="JPEG, PNG, GIF or WebP"):
        sanitize_image(b"junk")


def test_broken_exif_does_not_reject_the_picture() -> None:
    broken = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x05\x01\x12\x00\x03"
    data = encode(Image.new("RGB", (10, 10), "red"), "JPEG", exif=broken)
    with pytest.warns(UserWarning):
        result = sanitize_image(data)
    assert (result.width, result.height) == (10, 10)
    assert_no_metadata(result)


def test_sixteen_bit_png() -> None:
    result = sanitize_image(encode(Image.new("I;16", (10, 10), 40_000), "PNG"))
    assert reopen(result.data).mode == "RGB"


SEEDS = {fmt: encode(two_colour((24, 16)), fmt) for fmt in ("JPEG", "PNG", "GIF", "WEBP")}


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@example(fmt="PNG", cut=10_000, flips=[])  # the intact file comes through clean
@given(
    fmt=st.sampled_from(sorted(SEEDS)),
    cut=st.integers(0, 10_000),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
)
def test_mutated_uploads_are_sanitised_or_refused(
    fmt: str, cut: int, flips: list[tuple[int, int]]
) -> None:
    """The upload path's image decoder, fed truncated and corrupted real files: a clean image
    or `ImageRejected`, never another exception."""
    data = bytearray(SEEDS[fmt][: max(1, cut % (len(SEEDS[fmt]) + 1))])
    for at, value in flips:
        data[at % len(data)] = value
    try:
        result = sanitize_image(bytes(data))
    except ImageRejected:
        return
    assert_no_metadata(result)
