"""Small SVG charts drawn on the server with ``xml.etree.ElementTree``.

Every label goes in as element text or an attribute value, which ElementTree escapes (``&``, ``<``, ``>``,
quotes), so a variant or tier name can never become markup; characters XML 1.0 cannot hold are dropped.
The SVG has no script, no link and no external reference, carries a ``<title>`` and ``<desc>`` for screen
readers, and uses colours with at least 4.5:1 contrast on white. The page shows it as an image
(``<img src="data:...">``), where an SVG cannot run script or fetch anything even if it tried.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TEXT = "#0f172a"
MUTED = "#475569"
GRID = "#cbd5e1"
# Tailwind 700s: each at least 4.5:1 on white, and told apart by the legend's words, not by colour alone.
COLOURS = ("#15803d", "#b45309", "#1d4ed8", "#b91c1c", "#475569", "#7e22ce")
GREEN, AMBER, BLUE, RED, SLATE = COLOURS[:5]
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_LABEL = 28


def clean(text: object, limit: int = MAX_LABEL) -> str:
    """Text an XML document can hold, cut to ``limit`` characters."""
    value = _NOT_XML.sub("", str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    colour: str | None = None
    """One of ``COLOURS`` by default, in series order; give one where the colour carries meaning."""


class _Svg:
    def __init__(self, width: int, height: int, title: str, description: str) -> None:
        self.root = ET.Element(
            "svg",
            {
                "xmlns": SVG_NS,
                "width": str(width),
                "height": str(height),
                "viewBox": f"0 0 {width} {height}",
                "role": "img",
                "aria-labelledby": "chart-title chart-desc",
                "font-family": FONT,
            },
        )
        ET.SubElement(self.root, "title", {"id": "chart-title"}).text = clean(title, 200)
        ET.SubElement(self.root, "desc", {"id": "chart-desc"}).text = clean(description, 2000)
        ET.SubElement(self.root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
        self.text(12, 24, title, size=16, weight="600", limit=80)

    def text(
        self,
        x: float,
        y: float,
        value: object,
        *,
        anchor: str = "start",
        size: int = 12,
        fill: str = TEXT,
        weight: str | None = None,
        limit: int = MAX_LABEL,
    ) -> None:
        attrs = {
            "x": f"{x:.1f}",
            "y": f"{y:.1f}",
            "font-size": str(size),
            "fill": fill,
            "text-anchor": anchor,
        }
        if weight:
            attrs["font-weight"] = weight
        ET.SubElement(self.root, "text", attrs).text = clean(value, limit)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, label: str | None = None) -> None:
        node = ET.SubElement(
            self.root,
            "rect",
            {
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "width": f"{max(w, 0):.1f}",
                "height": f"{max(h, 0):.1f}",
                "fill": fill,
            },
        )
        if label:
            ET.SubElement(node, "title").text = clean(label, 200)

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = GRID) -> None:
        ET.SubElement(
            self.root,
            "line",
            {"x1": f"{x1:.1f}", "y1": f"{y1:.1f}", "x2": f"{x2:.1f}", "y2": f"{y2:.1f}", "stroke": stroke},
        )

    def legend(self, entries: Sequence[tuple[str, str]], y: float) -> None:
        x = 12.0
        for name, colour in entries:
            self.rect(x, y - 10, 11, 11, colour)
            label = clean(name)
            self.text(x + 15, y, label, fill=TEXT, size=12)
            x += 28 + 6.6 * len(label)

    def render(self) -> str:
        return ET.tostring(self.root, encoding="unicode", xml_declaration=False)


def _nice_max(value: int) -> int:
    if value <= 0:
        return 1
    magnitude = int(10 ** (len(str(value)) - 1))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def column_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    fmt: Callable[[int], str] = str,
    width: int = 480,
    height: int = 250,
) -> str:
    """Stacked columns, one per label (a date bucket), with a legend and a y axis from zero."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    description = "; ".join(
        f"{label}: " + ", ".join(f"{s.name} {fmt(s.values[i])}" for s in series)
        for i, label in enumerate(labels)
    )
    svg = _Svg(width, height, title, description or "No data in this range")
    colours = [s.colour or COLOURS[k % len(COLOURS)] for k, s in enumerate(series)]
    svg.legend([(s.name, c) for s, c in zip(series, colours, strict=True)], 46)
    left, right, top, bottom = 48.0, width - 12.0, 64.0, height - 30.0
    if not labels or not any(totals):
        svg.text(width / 2, (top + bottom) / 2, "No data in this range", anchor="middle", fill=MUTED, size=12)
        return svg.render()
    peak = _nice_max(max(totals))
    ticks = (0, peak // 2, peak) if peak % 2 == 0 else (0, peak)
    for tick in ticks:
        y = bottom - (bottom - top) * tick / peak
        svg.line(left, y, right, y)
        svg.text(left - 6, y + 4, fmt(tick), anchor="end", fill=MUTED, limit=12)
    slot = (right - left) / len(labels)
    bar = max(2.0, min(36.0, slot * 0.7))
    every = max(1, -(-len(labels) // 6))
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar) / 2
        y = bottom
        for k, s in enumerate(series):
            h = (bottom - top) * s.values[i] / peak
            y -= h
            if h > 0:
                svg.rect(x, y, bar, h, colours[k], f"{label}: {s.name} {fmt(s.values[i])}")
        if i % every == 0:
            svg.text(x + bar / 2, bottom + 16, label, anchor="middle", fill=MUTED, limit=12)
    return svg.render()


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, int]],
    *,
    fmt: Callable[[int], str] = str,
    width: int = 480,
) -> str:
    """Horizontal bars, one per row, each with its value written beside it."""
    height = 48 + 30 * max(1, len(rows)) + 14
    description = "; ".join(f"{name}: {fmt(value)}" for name, value in rows)
    svg = _Svg(width, height, title, description or "No data in this range")
    if not rows:
        svg.text(width / 2, 64, "No data in this range", anchor="middle", fill=MUTED, size=12)
        return svg.render()
    left, right = 140.0, width - 96.0
    peak = max(max(v for _, v in rows), 1)
    for i, (name, value) in enumerate(rows):
        y = 44 + 30 * i
        svg.text(left - 8, y + 16, name, anchor="end", limit=20)
        svg.line(left, y + 2, left, y + 24, stroke=SLATE)
        svg.rect(left, y + 4, (right - left) * value / peak, 18, BLUE, f"{name}: {fmt(value)}")
        svg.text(left + (right - left) * value / peak + 6, y + 17, fmt(value), limit=16)
    return svg.render()


def usd(micros: int) -> str:
    """Micro-dollars as dollars to four places (integer arithmetic: money is never a float)."""
    sign = "-" if micros < 0 else ""
    whole, rest = divmod(abs(micros), 1_000_000)
    return f"{sign}${whole}.{rest // 100:04d}"
