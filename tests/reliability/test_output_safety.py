"""User text never runs as script or htmx behaviour (RELIABILITY 31–35).

- The payload corpus (xss_corpus.txt, grown with every bug) through the Markdown renderer: only
  allowlisted tags and attributes survive, no event handlers, no htmx attributes, only http/https/mailto URLs.
- A property test over arbitrary text: the output always passes the same checks, and sanitising it again
  changes nothing.
- Lint over the code: `|safe` and Markup() appear only where the value is made safe first; rendered Markdown
  always sits in an hx-disable container (a second layer should an htmx attribute ever survive).
- Template syntax in user text stays literal on the page.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.db import unit_of_work
from app.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown
from tests.factories import make_listing, make_org

ROOT = Path(__file__).resolve().parents[2]
CORPUS = [line.replace("\\n", "\n") for line in (Path(__file__).parent / "xss_corpus.txt").read_text().splitlines()
          if line and not line.startswith("#")]


class _Audit(HTMLParser):
    """Collects every tag and attribute the browser would build from the output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and not (tag == "a" and name == "rel"):
                self.problems.append(f"attribute {name} on {tag}")
            if name == "href" and value:
                scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
                if scheme and scheme.group(1).lower() not in URL_SCHEMES:
                    self.problems.append(f"scheme {scheme.group(1)}")


def problems_in(html: str) -> list[str]:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.problems


def test_the_corpus_is_big_enough_to_mean_something():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("payload", CORPUS)
def test_every_corpus_payload_renders_inert(payload):
    html = str(render_markdown(payload))
    assert problems_in(html) == [], (payload, html)
    lowered = html.lower()
    for needle in ("<script", "javascript:", "vbscript:", "data:text", "onerror", "onload", "hx-", "<iframe", "<style"):
        # The text of the payload may still show (escaped) — but never as markup, so check the tags' insides.
        for tag in re.findall(r"<[^>]+>", lowered):
            assert needle not in tag, (payload, html)
    assert nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="nofollow ugc noopener noreferrer") == html  # sanitising again changes nothing


def test_links_that_survive_are_marked_for_crawlers_and_tabs():
    html = str(render_markdown("[site](https://ok.example)"))
    assert 'rel="nofollow ugc noopener noreferrer"' in html and 'href="https://ok.example"' in html


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'=/:;&#() []!*_`-\nabcjvsrptxhonl0123456789")), max_size=120)
       | st.text(max_size=120))
def test_any_text_renders_to_allowlisted_html(source):
    html = str(render_markdown(source))
    assert problems_in(html) == []


def _template_files():
    return sorted((ROOT / "templates").glob("*.html"))


def test_safe_is_used_only_on_values_made_safe_first():
    allowed = {("search.html", "card.title_highlight | safe"), ("search.html", "card.highlight | safe")}
    found = set()
    for path in _template_files():
        for match in re.finditer(r"\{\{\s*([^}]*?\|\s*safe)\b", path.read_text()):
            found.add((path.name, re.sub(r"\s+", " ", match.group(1))))
    assert found <= allowed, f"|safe on something new: {found - allowed}; escape it, or justify it here"


def test_markup_is_built_only_where_its_input_is_escaped_or_sanitised():
    allowed = {"app/markdown.py", "app/jobs/board.py", "app/security/form_timing.py", "app/search/highlight.py",
               "app/web.py", "app/insights/charts.py"}  # charts: tests/insights/test_charts.py
    users = {str(path.relative_to(ROOT)) for path in (ROOT / "app").rglob("*.py")
             if re.search(r"\bMarkup\(", path.read_text())}
    assert users <= allowed, f"Markup() in {users - allowed}: user text must be escaped or sanitised first"


def test_rendered_markdown_always_sits_in_an_hx_disable_container():
    for path in _template_files():
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if re.search(r"\|\s*markdown\s*\}\}", line):
                context = "\n".join(lines[max(0, number - 3):number + 1])
                assert "hx-disable" in context, f"{path.name}:{number + 1} renders Markdown outside hx-disable"


def test_autoescape_is_on_for_every_template():
    from app.web import environment

    for path in _template_files():
        assert environment.autoescape(path.name) is True, path.name


def test_template_syntax_in_user_text_stays_literal(client, engine):
    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-t", name="{{ 7*7 }} Labs")
        listing = make_listing(session, org, title="Cryostat {{ 7*7 }}", description="Price: {{ 7*7 }} and ${7*7}")
        slug = listing.slug
    page = client.get(f"/listings/{slug}?lang=en")
    assert page.status_code == 200
    assert "{{ 7*7 }}" in page.text and "Cryostat 49" not in page.text and "Price: 49" not in page.text
    org_page = client.get("/orgs/org-t?lang=en")
    assert "{{ 7*7 }} Labs" in org_page.text and "49 Labs" not in org_page.text


def test_an_attribute_breaking_name_is_encoded_in_attributes_and_json(client, engine):
    with unit_of_work(engine) as session:
        org = make_org(session, slug="org-q", name='Quote" onmouseover="alert(1)')
        make_listing(session, org, title='Fridge" onmouseover="alert(1)')
    page = client.get("/orgs/org-q?lang=en")
    assert 'onmouseover="alert(1)"' not in page.text
    assert "Quote&#34; onmouseover" in page.text or "Quote&quot; onmouseover" in page.text
    # JSON-LD inside a script block uses |tojson: the quote is escaped, "</script>" cannot close the block
    ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page.text, re.S)
    assert ld and '\\"' in ld.group(1) or "\\u0022" in ld.group(1)
