"""Small bar charts drawn on the server as SVG: no script, no request to anyone else."""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 340
HEIGHT = 120
GAP = 2


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # shown in the tooltip, e.g. the date
    value: float


def bar_chart(bars: Sequence[Bar], title: str, unit: str, colour: str) -> str:
    """An SVG bar chart with a title and description for screen readers."""
    top = max((b.value for b in bars), default=0.0)
    summary = f"{len(bars)} days, highest {top:,.2f} {unit}" if bars else "no data in this period"
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT + 16}" width="100%" role="img" '
        f'aria-label="{escape(title)}: {escape(summary)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>",
        f'<line x1="0" y1="{HEIGHT}" x2="{WIDTH}" y2="{HEIGHT}" stroke="#8a968f" />',
    ]
    if bars and top > 0:
        step = WIDTH / len(bars)
        width = max(step - GAP, 1.0)
        for n, bar in enumerate(bars):
            h = bar.value / top * (HEIGHT - 4)
            x, y = n * step, HEIGHT - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(bar.label)}: {bar.value:,.2f} {escape(unit)}'
                "</title></rect>"
            )
        parts.append(
            f'<text x="0" y="{HEIGHT + 13}" font-size="10" fill="#3d4641">'
            f"{escape(bars[0].label)}</text>"
            f'<text x="{WIDTH}" y="{HEIGHT + 13}" font-size="10" fill="#3d4641" '
            f'text-anchor="end">{escape(bars[-1].label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
