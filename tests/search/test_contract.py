"""One contract, every engine: the embedded engine and a real Meilisearch server (the pinned binary)."""

import pytest

from app.search.schemas import SearchQuery, SearchUnavailable
from tests.search.corpus import documents, ids

ENGINES = ["embedded", "meilisearch"]


def make_backend(name: str, request, tmp_path):
    if name == "embedded":
        from app.search.embedded import EmbeddedBackend

        return EmbeddedBackend(str(tmp_path / "search.db"))
    from app.search.meili import MeilisearchBackend

    meili = request.getfixturevalue("meili")
    return MeilisearchBackend(url=meili.server.url, api_key=meili.keys.admin, search_key=meili.keys.search,
                              index_uid=meili.new_index())


@pytest.fixture(params=ENGINES)
def backend(request, tmp_path):
    """The corpus indexed by each engine in turn (Meilisearch: the real pinned server, with scoped keys)."""
    backend = make_backend(request.param, request, tmp_path)
    backend.ensure_ready()
    backend.rebuild(documents())
    yield backend
    if hasattr(backend, "drop_index"):  # a shared server must not collect test indexes
        backend.drop_index()
    backend.close()


def find(backend, q: str = "", **filters) -> set[str]:
    language = filters.pop("language", "en")
    return ids(backend.search(SearchQuery(q=q, filters={k: tuple(v) for k, v in filters.items()}, per_page=50,
                                          language=language)))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dilution refrigerator", "listing-1"),
        ("refrigerators", "listing-1"),  # stemming
        ("稀释制冷机", "listing-1"),
        ("单光子探测器", "listing-2"),
        ("量子密钥分发", "listing-3"),
        ("离子阱 量子计算机", "listing-4"),
        ("窄线宽激光器 1550", "listing-5"),
        ("出口管制", "listing-6"),
        ("北燕低温", "organization-1"),
        ("quantum 计算机", "listing-4"),  # mixed languages
    ],
)
def test_english_chinese_and_mixed_queries(backend, q, expected):
    assert expected in find(backend, q)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dilution refrigirator", "listing-1"),  # 12 letters, one typo
        ("refrigeratro", "listing-1"),  # a swap counts as one typo
        ("refirgerater", "listing-1"),  # 12 letters, two typos
        ("quantam", "listing-4"),  # 7 letters, one typo
        ("lasre", "listing-5"),  # 5 letters, one typo (swap)
        ("detectr", "listing-2"),  # 8 letters, one missing letter
    ],
)
def test_typos_within_the_rule_are_forgiven(backend, q, expected):
    assert expected in find(backend, q)


@pytest.mark.parametrize(
    "q",
    [
        "ionz",  # 4 letters: no typo allowed
        "lazre",  # 5 letters, two typos
        "dxtxctor",  # 8 letters, two typos
        "wuantum",  # a first-letter typo counts as two
    ],
)
def test_typos_beyond_the_rule_are_not(backend, q):
    assert find(backend, q) == set()


@pytest.mark.parametrize(("q", "expected"), [("refrig", "listing-1"), ("superconduct", "listing-2"),
                                             ("dilution refr", "listing-1"), ("patent coun", "listing-6")])
def test_the_last_word_is_matched_as_a_prefix(backend, q, expected):
    assert expected in find(backend, q)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("QKD", "listing-3"),  # abbreviation → Chinese/English text
        ("quantum key distribution", "listing-3"),
        ("SNSPD", "listing-2"),
        ("稀释制冷机", "job-1"),  # Chinese query finds English-only words too
        ("dilution fridge", "listing-1"),
        ("postdoc", "job-2"),
        ("博士后", "job-2"),
        ("ion trap", "listing-4"),
        ("囚禁离子", "listing-4"),
    ],
)
def test_synonyms_work_both_ways_across_languages(backend, q, expected):
    assert expected in find(backend, q)


def test_filters_and_facet_counts(backend):
    result = backend.search(SearchQuery(q="", per_page=50))
    assert result.total == 10
    assert result.facets["type"] == {"listing": 6, "organization": 1, "job": 3}
    assert result.facets["region"]["east"] == 5
    assert find(backend, type=["job"]) == {"job-1", "job-2", "job-3"}
    assert find(backend, type=["job"], workplace=["remote"]) == {"job-3"}
    assert find(backend, function=["rd"]) == {"job-2"}
    assert find(backend, employment_type=["phd_postdoc", "contract"]) == {"job-2", "job-3"}
    assert find(backend, country=["DE", "GB"]) == {"listing-5", "listing-6"}
    assert find(backend, region=["central"]) == {"listing-4", "job-2"}
    assert find(backend, org_type=["other"]) == {"listing-6"}
    assert find(backend, membership=["associate"]) == {"listing-2", "listing-5"}
    assert find(backend, kind=["service"]) == {"listing-6"}
    filtered = backend.search(SearchQuery(q="", filters={"type": ("listing",)}, per_page=50))
    assert filtered.facets["kind"] == {"product": 5, "service": 1}
    assert filtered.facets["category"]["hardware"] == 3


@pytest.mark.parametrize("q", ["", "quantum", "dilution refrigerator quantum sensor"])
def test_zero_per_page_gives_only_the_total_and_the_facets(backend, q):
    """The search page's tab counts: no hits to rank, fetch or highlight, the same counts."""
    full = backend.search(SearchQuery(q=q, per_page=50))
    counts = backend.search(SearchQuery(q=q, per_page=0))
    assert counts.hits == []
    assert counts.total == full.total > 0
    assert counts.facets == full.facets


def test_a_category_filter_matches_the_whole_subtree(backend):
    assert find(backend, category=["hardware"]) == {"listing-1", "listing-2", "listing-5", "organization-1"}
    assert find(backend, category=["hardware/lasers"]) == {"listing-5"}
    assert find(backend, category=["applications-systems"], type=["listing"]) == {"listing-3", "listing-4"}


def test_filters_combine_with_text(backend):
    assert find(backend, "1550", type=["listing"], country=["DE"]) == {"listing-5"}
    assert find(backend, "dilution", type=["job"]) == {"job-1"}


def test_sort_by_newest_and_pagination(backend):
    newest = backend.search(SearchQuery(q="", filters={"type": ("listing",)}, sort="newest", per_page=2))
    assert [h.id for h in newest.hits] == [4, 3]
    page_two = backend.search(SearchQuery(q="", filters={"type": ("listing",)}, sort="newest", per_page=2, page=2))
    assert [h.id for h in page_two.hits] == [2, 1]
    assert page_two.total == 6


def test_highlights_mark_matches_and_escape_everything_else(backend):
    hit = next(h for h in backend.search(SearchQuery(q="稀释制冷机", language="zh")).hits if h.id == 1 and h.type == "listing")
    assert "<mark>" in hit.highlight and "稀释制冷机" in hit.highlight
    backend.upsert([dict(documents()[0], id="listing-99", record_id=99, title="<script>alert(1)</script> cryostat")])
    hit = next(h for h in backend.search(SearchQuery(q="cryostat alert")).hits if h.id == 99)
    assert "<script>" not in hit.highlight and "&lt;script&gt;" in hit.highlight


@pytest.mark.parametrize("language", ["en", "zh"])
def test_highlights_mark_a_match_in_either_language_and_browsing_shows_the_start_of_the_text(backend, language):
    """An English word found in the Chinese text, Chinese in the English: the body that holds the match is
    marked whatever the reader's language; without words every hit shows the start of its text."""
    found = {f"{h.type}-{h.id}": h.highlight for h in backend.search(SearchQuery(q="成员", language=language)).hits}
    assert "北燕低温科技是联盟<mark>成员</mark>。" in found["organization-1"]
    found = {f"{h.type}-{h.id}": h.highlight for h in backend.search(SearchQuery(q="member", language=language)).hits}
    assert "Beiyan Cryogenics is a <mark>member</mark>." in found["organization-1"]
    browsed = backend.search(SearchQuery(q="", filters={"type": ("organization",)}, language=language)).hits
    assert browsed[0].highlight == ("北燕低温科技是联盟成员。" if language == "zh" else "Beiyan Cryogenics is a member.")
    assert "<mark>" not in browsed[0].highlight


@pytest.mark.parametrize(
    "q",
    ['"', "a-b", "NEAR(", "AND", "OR NOT", "*", "title:", "'", "@x", "🙂", "x" * 5000, "' OR 1=1--",
     '"unbalanced', "-leading", "^start", "{title}: x", "稀释\"制冷", "\x00\x01", "a" * 200 + " " + "b" * 200],
)
def test_hostile_input_is_just_text(backend, q):
    result = backend.search(SearchQuery(q=q))
    assert result.total >= 0


def test_upsert_is_idempotent_and_delete_removes(backend):
    first = documents()[0]
    backend.upsert([first])
    backend.upsert([first])
    assert find(backend, "dilution refrigerator") & {"listing-1"}
    backend.delete(["listing-1", "listing-12345"])
    assert "listing-1" not in find(backend, "dilution refrigerator")
    assert "listing-1" not in backend.document_ids()


def test_rebuild_replaces_everything(backend):
    assert backend.rebuild(documents()[:2]) == 2
    assert backend.document_ids() == {"listing-1", "listing-2"}
    assert backend.rebuild(documents()[:2]) == 2
    assert backend.document_ids() == {"listing-1", "listing-2"}


def test_an_unusable_index_raises_search_unavailable(tmp_path):
    from app.search.embedded import EmbeddedBackend

    (tmp_path / "dir.db").mkdir()
    with pytest.raises(SearchUnavailable):
        EmbeddedBackend(str(tmp_path / "dir.db")).ensure_ready()


AMPLIFIERS = [
    # One supplier says all three words; two say two of them; one says only one.
    ("listing-101", "Cryogenic microwave amplifier LNA-4", "低温微波放大器", "A cryogenic microwave amplifier for qubit readout."),
    ("listing-102", "HEMT microwave amplifier", "微波放大器", "Low-noise amplifier, 4–8 GHz, for the mixing chamber plate."),
    ("listing-103", "Cryogenic low-noise amplifier", "低温放大器", "A cryogenic amplifier for qubit readout at 4 K."),
    ("listing-104", "Cryogenic dewar", "低温杜瓦", "Liquid helium storage."),
]


def amplifier_documents() -> list[dict]:
    template = next(d for d in documents() if d["id"] == "listing-1")
    return [dict(template, id=doc_id, record_id=int(doc_id.split("-")[1]), slug=doc_id, title=title, title_zh=title_zh,
                 summary=body, summary_zh="", body="", body_zh=title_zh, tags=[], org_slug=f"supplier-{n}",
                 org_name=f"Supplier {n}", org_name_zh="")
            for n, (doc_id, title, title_zh, body) in enumerate(AMPLIFIERS)]


@pytest.mark.parametrize("q", ["cryogenic microwave amplifier", "低温 微波 放大器"])
def test_when_few_records_hold_every_word_those_holding_most_follow(backend, q):
    """A buyer expects every amplifier supplier in the top five, not only the one whose text says all three
    words; the one that does comes first, and one word alone (a dewar) never beats two."""
    backend.upsert(amplifier_documents())
    top = [f"{hit.type}-{hit.id}" for hit in backend.search(SearchQuery(q=q, per_page=5, language="en")).hits]
    assert top[0] == "listing-101", top
    assert {"listing-102", "listing-103"} <= set(top[:3]), top
    if "listing-104" in top:
        assert top.index("listing-104") > max(top.index("listing-102"), top.index("listing-103")), top
