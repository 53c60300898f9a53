import re

from hypothesis import given
from hypothesis import strategies as st

from app.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN, slugify, unique_slug
from app.models import Organization
from tests.factories import make_org


def test_english_titles_become_readable_slugs():
    assert slugify("BF-400 Dilution Refrigerator (10 mK)") == "bf-400-dilution-refrigerator-10-mk"


def test_chinese_titles_are_transliterated():
    assert slugify("量子密钥分发网络") == "liang-zi-mi-yao-fen-fa-wang-luo"
    assert slugify("SNSPD 单光子探测器") == "snspd-dan-guang-zi-tan-ce-qi"


def test_text_without_letters_gets_the_fallback():
    assert slugify("★★★", fallback="listing") == "listing"


@given(st.text(max_size=300))
def test_slugs_are_always_safe(text):
    slug = slugify(text)
    assert re.match(SLUG_PATTERN, slug)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert ".." not in slug and "/" not in slug


def test_unique_slug_numbers_clashes(session):
    make_org(session, slug="acme")
    assert unique_slug(session, Organization, "acme") == "acme-2"
    assert unique_slug(session, Organization, "acme", taken={"acme-2"}) == "acme-3"
    assert unique_slug(session, Organization, "other") == "other"
