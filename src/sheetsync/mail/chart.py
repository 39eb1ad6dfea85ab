"""A small bar chart PNG for the roll-up e-mail, drawn with zlib alone.

Why not matplotlib: it is a 40 MB dependency with font configuration headaches for Chinese
labels on office PCs, for one picture. The chart therefore carries no text except numbers
(a 5×7 pixel font below): each bar is numbered, and the unit names sit in the table next to it
in the HTML body, which every mail client renders in the reader's own fonts.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

# 5×7 glyphs, one string of 7 rows per character, '#' = ink
_FONT: dict[str, tuple[str, ...]] = {
    "0": (" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "),
    "1": ("  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "),
    "2": (" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"),
    "3": ("#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "),
    "4": ("   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "),
    "5": ("#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "),
    "6": ("  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "),
    "7": ("#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "),
    "8": (" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "),
    "9": (" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "),
    "%": ("##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"),
    ".": ("     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "),
    " ": ("     ",) * 7,
}

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
TRACK: RGB = (234, 238, 243)
INK: RGB = (51, 51, 51)
BLUE: RGB = (47, 111, 181)
ORANGE: RGB = (224, 122, 47)


class Canvas:
    def __init__(self, width: int, height: int, bg: RGB = WHITE) -> None:
        self.width, self.height = width, height
        self.px = [bytearray(bytes(bg) * width) for _ in range(height)]

    def rect(self, x: int, y: int, w: int, h: int, color: RGB) -> None:
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.width, x + w), min(self.height, y + h)
        if x1 <= x0 or y1 <= y0:
            return
        line = bytes(color) * (x1 - x0)
        for yy in range(y0, y1):
            self.px[yy][x0 * 3:x1 * 3] = line

    def text(self, x: int, y: int, s: str, color: RGB = INK, scale: int = 2) -> int:
        """Draw ``s`` (digits, '.', '%') with its top-left at (x, y); return the end x."""
        for ch in s:
            glyph = _FONT.get(ch, _FONT[" "])
            for gy, row in enumerate(glyph):
                for gx, cell in enumerate(row):
                    if cell == "#":
                        self.rect(x + gx * scale, y + gy * scale, scale, scale, color)
            x += 6 * scale
        return x

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.px)
        return (b"\x89PNG\r\n\x1a\n"
                + _chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0))
                + _chunk(b"IDAT", zlib.compress(raw, 9))
                + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def text_width(s: str, scale: int = 2) -> int:
    return len(s) * 6 * scale


def bar_chart(values: Sequence[float], *, maximum: float | None = None, percent: bool = False,
              color: RGB = BLUE, width: int = 560, row: int = 24, max_rows: int = 40) -> bytes:
    """Horizontal bars numbered 1..n, the value printed after each bar.

    ``percent``: values are 0–100 and printed with '%'; otherwise counts. At most ``max_rows``
    bars (the table in the message lists the rest) so the image stays small.
    """
    vals = [max(0.0, float(v)) for v in values[:max_rows]]
    n = max(1, len(vals))
    top = maximum if maximum else (100.0 if percent else max(vals, default=1.0) or 1.0)
    label_w = text_width(str(n)) + 12
    value_w = text_width("100%" if percent else str(int(top))) + 12
    bar_w = max(40, width - label_w - value_w - 8)
    canvas = Canvas(width, n * row + 8)
    for i, v in enumerate(vals):
        y = 4 + i * row
        num = str(i + 1)
        canvas.text(label_w - 8 - text_width(num), y + (row - 14) // 2 - 1, num)
        canvas.rect(label_w, y + 3, bar_w, row - 8, TRACK)
        fill = round(bar_w * min(v, top) / top)
        canvas.rect(label_w, y + 3, fill, row - 8, color)
        shown = f"{v:.0f}%" if percent else (f"{v:.0f}" if v == int(v) else f"{v:.1f}")
        canvas.text(label_w + bar_w + 8, y + (row - 14) // 2 - 1, shown)
    return canvas.png()
