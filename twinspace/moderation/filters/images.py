"""Re-encode uploaded images so that no metadata survives, and make a thumbnail.

Only pixels are carried over: EXIF (with GPS), XMP, IPTC, comments, PNG text chunks and
ICC profiles are all dropped. EXIF orientation is applied first, and an embedded ICC
profile is converted to sRGB before it is dropped, so the picture looks the same.
Decoded size is capped before any pixel is decoded (decompression bombs raise
``ImageTooLarge``). JPEG, PNG, GIF and WebP are accepted and kept in their format;
animated GIF and WebP stay animated (every frame is re-encoded, frames and total
pixels are capped); the thumbnail is always a still of the first frame.

Memory is spent economically: images larger than ``keep_pixels`` (all frames together) are
divided by the smallest whole factor that fits before anything else is done with their
pixels: JPEG is decoded at a reduced scale where it can be (``Image.draft``), other formats
are box-reduced (``Image.reduce``) and only then converted, colour-managed and re-encoded,
and the decoded source is released before encoding. Peak memory is then about one decoded
source plus a few copies of the kept size (README, "Limits and guarantees").

CPU-bound, synchronous and memory-hungry: the server runs it in a worker process
(``twinspace/media/decoding.py``), never on the event loop.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageCms, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # per frame (e.g. 8000 x 5000)
DEFAULT_MAX_FRAMES = 300
DEFAULT_MAX_TOTAL_PIXELS = 50_000_000  # all frames together (decoded: 4 bytes a pixel)
DEFAULT_KEEP_PIXELS = 12_500_000  # larger images are scaled down to this (all frames together)
DEFAULT_THUMBNAIL_SIZE = 320

_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: [Image.Transpose.FLIP_LEFT_RIGHT],
    3: [Image.Transpose.ROTATE_180],
    4: [Image.Transpose.FLIP_TOP_BOTTOM],
    5: [Image.Transpose.TRANSPOSE],
    6: [Image.Transpose.ROTATE_270],
    7: [Image.Transpose.TRANSVERSE],
    8: [Image.Transpose.ROTATE_90],
}
_RESIZABLE_MODES = frozenset({"RGB", "RGBA", "L", "CMYK"})  # resized well before conversion
_REDUCING_GAP = 2.0
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRejected(ValueError):
    """The upload cannot be accepted; ``str(error)`` is a message for the uploader."""


class UnsupportedImage(ImageRejected):
    pass


class ImageTooLarge(ImageRejected):
    pass


@dataclass(frozen=True, slots=True)
class SanitizedImage:
    """The re-encoded upload (same format as the input) and a still thumbnail.

    ``frames`` counts the frames re-encoded; the GIF encoder may merge identical ones.
    """

    data: bytes
    mime: str
    width: int
    height: int
    frames: int
    thumbnail: bytes
    thumbnail_mime: str
    thumbnail_width: int
    thumbnail_height: int


def sanitize_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_frames: int = DEFAULT_MAX_FRAMES,
    max_total_pixels: int = DEFAULT_MAX_TOTAL_PIXELS,
    keep_pixels: int = DEFAULT_KEEP_PIXELS,
    thumbnail_size: int = DEFAULT_THUMBNAIL_SIZE,
) -> SanitizedImage:
    if len(data) > max_bytes:
        raise ImageTooLarge(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as source:
            limits = _Limits(max_pixels, max_frames, max_total_pixels, keep_pixels)
            return _sanitize(source, limits, thumbnail_size)
    except Image.DecompressionBombError as error:
        raise ImageTooLarge("the image has too many pixels") from error
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise UnsupportedImage("not a readable JPEG, PNG, GIF or WebP image") from error


@dataclass(frozen=True, slots=True)
class _Limits:
    max_pixels: int
    max_frames: int
    max_total_pixels: int
    keep_pixels: int


def kept_size(width: int, height: int, frames: int, keep_pixels: int) -> tuple[int, int]:
    """The frame size to keep: the original, or divided by the smallest whole factor that
    brings all frames together to at most ``keep_pixels`` (a cheap ``reduce``)."""
    factor = math.ceil(math.sqrt(width * height * max(1, frames) / keep_pixels))
    while factor > 1 and _divided(width, factor) * _divided(height, factor) * frames > keep_pixels:
        factor += 1
    if factor <= 1:
        return width, height
    return _divided(width, factor), _divided(height, factor)


def _divided(length: int, factor: int) -> int:
    return max(1, -(-length // factor))  # what Image.reduce(factor) makes of it


def _sanitize(source: Image.Image, limits: _Limits, thumbnail_size: int) -> SanitizedImage:
    image_format = source.format or ""
    if image_format not in MIME_TYPES:
        raise UnsupportedImage("not a JPEG, PNG, GIF or WebP image")
    width, height = source.size
    if width < 1 or height < 1:
        raise UnsupportedImage("the image is empty")
    if width * height > limits.max_pixels:
        raise ImageTooLarge(f"the image is larger than {limits.max_pixels:,} pixels")
    frame_count = getattr(source, "n_frames", 1) if image_format in ("GIF", "WEBP") else 1
    if frame_count > limits.max_frames:
        raise ImageTooLarge(f"the animation has more than {limits.max_frames} frames")
    if width * height * frame_count > limits.max_total_pixels:
        raise ImageTooLarge("the animation is too large")

    target = kept_size(width, height, frame_count, limits.keep_pixels)
    transposes = _TRANSPOSE.get(_orientation(source), [])
    icc = source.info.get("icc_profile")
    if image_format == "JPEG" and target != (width, height):
        source.draft(None, target)  # decode at 1/2, 1/4 or 1/8 scale, never below target
    frames: list[Image.Image] = []
    durations: list[int] = []
    for index in range(frame_count):
        source.seek(index)
        frames.append(
            _clean_frame(source, icc if isinstance(icc, bytes) else None, transposes, target)
        )
        durations.append(int(source.info.get("duration", 100) or 100))
    loop = int(source.info.get("loop", 0) or 0)
    source.close()  # release the decoded source before encoding
    data = _encode(image_format, frames, durations, loop)
    thumb, thumb_mime, (thumb_width, thumb_height) = _thumbnail(frames[0], thumbnail_size)
    return SanitizedImage(
        data=data,
        mime=MIME_TYPES[image_format],
        width=frames[0].width,
        height=frames[0].height,
        frames=len(frames),
        thumbnail=thumb,
        thumbnail_mime=thumb_mime,
        thumbnail_width=thumb_width,
        thumbnail_height=thumb_height,
    )


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def _clean_frame(
    frame: Image.Image,
    icc: bytes | None,
    transposes: list[Image.Transpose],
    target: tuple[int, int],
) -> Image.Image:
    """The frame's pixels in RGB(A), sRGB, upright and at most ``target`` in size, in a new
    image with no metadata. Scaling comes first where the frame's mode allows it, so the
    conversions work on the kept size, not the decoded one."""
    mode = "RGBA" if _has_alpha(frame) else "RGB"
    frame.load()
    if frame.mode in _RESIZABLE_MODES and frame.size != target:
        pixels = _to_srgb(_scaled(frame, target), icc, mode)
    else:
        pixels = _scaled(_to_srgb(frame, icc, mode), target)
    for method in transposes:
        pixels = pixels.transpose(method)
    pixels.info = {}  # a fresh image of our own: no metadata is carried to the encoder
    return pixels


def _scaled(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    if image.size == target:
        return image
    factor = image.width // target[0]
    if factor > 1 and (_divided(image.width, factor), _divided(image.height, factor)) == target:
        return image.reduce(factor)  # box average over whole blocks: fast, one output copy
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP)


def _to_srgb(frame: Image.Image, icc: bytes | None, mode: str) -> Image.Image:
    if icc and frame.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                frame, source_profile, _SRGB, outputMode="RGBA" if frame.mode == "RGBA" else "RGB"
            )
            if converted is not None:
                return converted if converted.mode == mode else converted.convert(mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the raw colours
    return frame.convert(mode)


def _encode(image_format: str, frames: list[Image.Image], durations: list[int], loop: int) -> bytes:
    out = io.BytesIO()
    first = frames[0]
    if image_format == "JPEG":
        first.save(out, "JPEG", quality=88, optimize=True)
    elif image_format == "PNG":
        first.save(out, "PNG")
    elif len(frames) > 1:
        first.save(
            out,
            image_format,
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=loop,
            disposal=2,  # every frame is complete: clear before drawing the next one
            **({"quality": 85} if image_format == "WEBP" else {}),
        )
    elif image_format == "WEBP":
        first.save(out, "WEBP", quality=85)
    else:
        first.save(out, "GIF")
    return out.getvalue()


def _thumbnail(image: Image.Image, size: int) -> tuple[bytes, str, tuple[int, int]]:
    """A still that fits in ``size`` x ``size``: PNG if it has transparency, else JPEG."""
    thumb = image.copy()
    thumb.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if thumb.mode == "RGBA":
        thumb.save(out, "PNG")
        return out.getvalue(), "image/png", thumb.size
    thumb.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue(), "image/jpeg", thumb.size


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
        return int(value) if isinstance(value, int) else 1
    except Exception:  # unreadable EXIF: treat the picture as upright
        return 1
