"""Small server-side SVG charts: the same markup goes into the page and into the PDF.

No JavaScript and nothing fetched: a bulletin must render offline and print the same way
it looks on screen.
"""

from collections.abc import Sequence
from decimal import Decimal
from html import escape

FONT = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
BAR = "#b3261e"
BAR_MUTED = "#d9a19c"
AXIS = "#555"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, size: int, content: object, anchor: str = "start") -> str:
    where = f'x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}"'
    return f"<text {where}>{escape(str(content))}</text>"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" role="img" aria-label="{escape(title)}">'
    )
    caption = f'<text x="{width / 2}" y="16" font-size="13" text-anchor="middle" font-weight="bold">'
    return "".join([head, f"{caption}{escape(title)}</text>", *body, "</svg>"])


def column_chart(
    title: str, labels: Sequence[str], values: Sequence[int | Decimal], width: int = 520, height: int = 220
) -> str:
    """Vertical bars over time; the last bar (the reported period) is drawn darker."""
    top, bottom, left, right = 28, 34, 8, 8
    plot_h = height - top - bottom
    peak = float(max(values, default=0)) or 1.0
    slot = (width - left - right) / max(len(values), 1)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
            f'stroke="{AXIS}" stroke-width="1"/>']  # fmt: skip
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = float(value) / peak * (plot_h - 14)
        x = left + i * slot + slot * 0.15
        y = top + plot_h - h
        colour = BAR if i == len(values) - 1 else BAR_MUTED
        body.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(slot * 0.7)}" height="{_num(h)}" '
                    f'fill="{colour}"/>')  # fmt: skip
        centre = x + slot * 0.35
        body.append(_text(centre, y - 3, 10, value, "middle"))
        body.append(_text(centre, top + plot_h + 14, 10, label, "middle"))
    return _svg(width, height, title, body)


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[int | Decimal], notes: Sequence[str] = ()
) -> str:
    """Horizontal bars, one row per label, with the value and an optional note at the end."""
    width, row, top, label_w, value_w = 520, 20, 28, 150, 110
    height = top + row * len(values) + 8
    peak = float(max(values, default=0)) or 1.0
    span = width - label_w - value_w
    body: list[str] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = float(value) / peak * span
        note = f"（{notes[i]}）" if i < len(notes) else ""
        body.append(_text(label_w - 6, y + 13, 11, label, "end"))
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{_num(w)}" height="{row - 6}" fill="{BAR}"/>')
        body.append(_text(label_w + w + 4, y + 13, 11, f"{value}{note}"))
    return _svg(width, height, title, body)
