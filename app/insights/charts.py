"""Bar charts drawn on the server as SVG: no script, readable without JavaScript, printable.

Every text in a chart is escaped; a chart is an image with its own title for screen readers, and the
page puts the same numbers beside it as a table (the chart is never the only way to read them).
"""

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 190
BAR_WIDTH = 300
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None  # where the bar leads (the marketplace filtered to it)


def bar_chart(title: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart, longest bar = the largest value; an empty chart says so in its title."""
    largest = max((bar.value for bar in bars), default=0) or 1
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for row, bar in enumerate(bars):
        y = GAP + row * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * bar.value / largest) if bar.value else 0
        label = escape(bar.label if len(bar.label) <= 28 else bar.label[:27] + "…")
        shape = (f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.0f}" text-anchor="end">{label}</text>'
                 f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}" class="bar"/>'
                 f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT * 0.7:.0f}">{bar.value:,}</text>')
        if bar.href:
            shape = f'<a href="{escape(bar.href)}">{shape}</a>'
        parts.append(shape)
    parts.append("</svg>")
    return Markup("".join(parts))
