import subprocess
import sys

from babel.messages.pofile import read_po

from app.i18n import LOCALE_DIR, negotiate, parse_language, translations
from app.config import PROJECT_ROOT


def test_parse_language():
    assert parse_language("zh-CN") == "zh"
    assert parse_language("zh_Hans") == "zh"
    assert parse_language("EN-gb") == "en"
    assert parse_language("fr") is None
    assert parse_language("") is None


def test_query_beats_cookie_beats_header():
    assert negotiate(query="en", cookie="zh", accept_language="zh") == "en"
    assert negotiate(query=None, cookie="en", accept_language="zh") == "en"
    assert negotiate(query="klingon", cookie=None, accept_language="en;q=0.5, zh;q=0.9") == "zh"
    assert negotiate(query=None, cookie=None, accept_language="de, en;q=0.1") == "en"
    assert negotiate(query=None, cookie=None, accept_language="q=;;,,") == "zh"
    assert negotiate(query=None, cookie=None, accept_language=None) == "zh"


def test_every_message_has_a_chinese_translation():
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert translations("zh").gettext("Home") == "首页"


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    """A string added to a template but not extracted (`make messages`) would show in English on Chinese pages."""
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_", "-k", "gettext",
         "-k", "ngettext:1,2", "-k", "N_", "--no-location", "-o", str(pot), "."],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert fresh - known == set()
