"""The server-drawn bar charts: proportional bars, every text escaped, an empty chart still valid SVG."""

import xml.etree.ElementTree as ET

from app.insights.charts import BAR_WIDTH, Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_texts_escaped():
    svg = str(bar_chart('Members <b>"', [Bar("<script>alert(1)</script>", 10, "/x?a=1&b=2"), Bar("Half", 5)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp;b=2" in svg
    root = ET.fromstring(svg)
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths == [BAR_WIDTH, BAR_WIDTH / 2]
    assert root.find(f"{SVG}title").text == 'Members <b>"' and root.get("role") == "img"


def test_an_empty_chart_is_still_an_image():
    root = ET.fromstring(str(bar_chart("Nothing", [])))
    assert root.find(f"{SVG}title").text == "Nothing" and not list(root.iter(f"{SVG}rect"))
