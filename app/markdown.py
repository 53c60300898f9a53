"""Member-written Markdown to safe HTML.

Raw HTML in the source is not rendered (it shows as text); the rendered HTML then passes an allowlist
(nh3): only formatting tags, only http/https/mailto links, no attributes that could carry script or htmx
behaviour, and every link gets rel="nofollow ugc noopener noreferrer".
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str | None) -> Markup:
    if not source:
        return Markup("")
    html = _parser.render(source)
    # Headings of user text start at h3: the page owns h1 and h2.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704  (sanitised just above)
