"""The demo board's pictures, drawn with Pillow at seed time (no files to ship or license).

Each is what a pupil might draw or chart for the project: their river and its city, and the
water temperatures the three classes measured. No words are drawn in them (uploads by pupils
are read for text, and a picture of words is not what a photo wall is for).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 640, 400
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Picture:
    filename: str
    draw: Callable[[], Image.Image]

    def png(self) -> bytes:
        out = io.BytesIO()
        self.draw().save(out, "PNG", optimize=True)
        return out.getvalue()


def _sky(top: Colour, bottom: Colour) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), top)
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line(
            [(0, y), (WIDTH, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return image, draw


def _river(draw: ImageDraw.ImageDraw, colour: Colour, top: int, bend: int) -> None:
    """A river winding from the horizon (`top`) to the bottom edge."""
    left = [(WIDTH // 2 - 20 + bend * (i % 2 * 2 - 1), top + i * 40) for i in range(11)]
    right = [(x + 40 + i * 22, y) for i, (x, y) in enumerate(left)]
    draw.polygon(left + right[::-1], fill=colour)
    for i, (x, y) in enumerate(left[1:], start=1):  # light on the water
        draw.line(
            [(x + 10 + i * 6, y + 8), (x + 30 + i * 10, y + 8)], fill=(235, 245, 255), width=2
        )


def vistula_and_wawel() -> Image.Image:
    image, draw = _sky((120, 175, 230), (215, 235, 250))
    draw.ellipse([500, 40, 570, 110], fill=(255, 215, 70))
    draw.rectangle([0, 230, WIDTH, HEIGHT], fill=(90, 160, 80))
    # the castle hill with walls and towers
    draw.polygon([(40, 240), (120, 170), (330, 170), (400, 240)], fill=(110, 140, 90))
    draw.rectangle([120, 110, 320, 175], fill=(215, 190, 150))
    for x in (120, 190, 270):
        draw.rectangle([x, 70, x + 40, 175], fill=(200, 170, 130))
        draw.polygon([(x - 6, 72), (x + 20, 30), (x + 46, 72)], fill=(170, 70, 50))
    for x in range(130, 320, 24):
        draw.rectangle([x, 130, x + 10, 148], fill=(80, 70, 60))
    _river(draw, (60, 110, 180), 240, 30)
    return image


def reno_at_sunset() -> Image.Image:
    image, draw = _sky((250, 150, 80), (255, 220, 150))
    draw.ellipse([270, 150, 370, 250], fill=(255, 240, 180))
    draw.rectangle([0, 220, WIDTH, HEIGHT], fill=(150, 120, 70))
    # hills of the Apennines and a row of poplars
    draw.polygon([(0, 220), (140, 150), (260, 210), (420, 140), (640, 220)], fill=(120, 90, 90))
    for x in range(20, WIDTH, 48):
        draw.ellipse([x, 175, x + 18, 235], fill=(70, 90, 50))
        draw.line([(x + 9, 230), (x + 9, 245)], fill=(60, 40, 30), width=3)
    _river(draw, (200, 110, 90), 240, 40)
    # a brick bridge across the river
    draw.rectangle([180, 300, 460, 318], fill=(170, 80, 50))
    for x in range(200, 460, 60):
        draw.arc([x, 305, x + 50, 350], 180, 360, fill=(140, 60, 40), width=6)
    return image


def tammerkoski_in_winter() -> Image.Image:
    image, draw = _sky((175, 195, 220), (235, 240, 248))
    draw.rectangle([0, 210, WIDTH, HEIGHT], fill=(245, 248, 252))
    # red-brick mills on both banks, one with its tall chimney
    for x0, x1 in ((20, 230), (410, 620)):
        draw.rectangle([x0, 120, x1, 250], fill=(160, 60, 45))
        for x in range(x0 + 14, x1 - 10, 30):
            for y in (140, 190):
                draw.rectangle([x, y, x + 14, y + 24], fill=(250, 220, 140))
    draw.rectangle([80, 30, 108, 120], fill=(140, 50, 40))
    draw.ellipse([70, 0, 130, 40], fill=(225, 225, 230))
    # the rapids: white water between dark stones
    draw.polygon([(250, 210), (390, 210), (460, HEIGHT), (180, HEIGHT)], fill=(40, 80, 110))
    for i in range(14):
        x, y = 240 + (i * 53) % 180, 230 + (i * 37) % 160
        draw.ellipse([x, y, x + 26, y + 10], fill=(255, 255, 255))
    for x, y in ((230, 300), (400, 280), (320, 360)):
        draw.ellipse([x, y, x + 34, y + 20], fill=(60, 60, 65))
    flakes = random.Random(6)  # the same snow every time
    for _ in range(70):
        x, y = flakes.randrange(WIDTH), flakes.randrange(HEIGHT)
        draw.ellipse([x, y, x + 4, y + 4], fill=(255, 255, 255))
    return image


def water_temperatures() -> Image.Image:
    """A bar chart: the water temperature each class measured in November (°C: 6, 9, 2)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.line([(60, 40), (60, 350), (600, 350)], fill=(40, 40, 40), width=3)
    for degrees in range(0, 11, 2):
        y = 350 - degrees * 28
        draw.line([(55, y), (600, y)], fill=(215, 215, 210), width=1)
    for i, (degrees, colour) in enumerate(
        ((6, (220, 60, 60)), (9, (40, 150, 80)), (2, (40, 90, 200)))
    ):
        x = 120 + i * 160
        draw.rectangle([x, 350 - degrees * 28, x + 90, 348], fill=colour)
    return image


PICTURES = {
    "wisla": Picture("wisla-i-wawel.png", vistula_and_wawel),
    "reno": Picture("reno-al-tramonto.png", reno_at_sunset),
    "tammerkoski": Picture("tammerkoski-talvella.png", tammerkoski_in_winter),
    "chart": Picture("temperatura-wody.png", water_temperatures),
}
