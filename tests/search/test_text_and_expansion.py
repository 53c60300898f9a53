import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.expansion import Vocabulary, fts_expression, parse
from app.search.highlight import highlight
from app.search.settings import meilisearch_synonyms, synonym_groups, typos_allowed
from app.search.text import document_terms, latin_words, query_words, stem


def test_chinese_is_segmented_with_the_domain_dictionary():
    assert "稀释制冷机" in query_words("稀释制冷机价格")
    assert query_words("超导纳米线单光子探测器") == ["超导纳米线单光子探测器"]


def test_documents_index_the_words_inside_longer_chinese_words():
    terms = document_terms("超导量子比特芯片")
    assert {"超导量子比特", "量子比特", "量子", "比特"} <= set(terms)


def test_english_is_lower_cased_and_stemmed():
    assert document_terms("Detectors DETECTION") == ["detector", "detect"]
    assert stem("refrigerators") == stem("refrigerator")
    assert latin_words("Cryogenic HEMT-amplifiers") == {"cryogenic": "cryogen", "hemt": "hemt", "amplifiers": "amplifi"}


def test_typo_rule_follows_meilisearch():
    assert [typos_allowed(w) for w in ("ion", "ions", "laser", "detector", "dilutions", "refrigerator")] == [0, 0, 1, 1, 2, 2]


def vocabulary() -> Vocabulary:
    words = latin_words("dilution refrigerator laser lasers quantum detector cryostat")
    return Vocabulary({term: 1 for term in words.values()}, words)


def test_typo_variants_lead_to_index_terms():
    vocab = vocabulary()
    assert vocab.typo_variants("refrigirator", 2) == [stem("refrigerator")]
    assert vocab.typo_variants("lasre", 1) == [stem("laser")]  # a swap is one edit
    assert vocab.typo_variants("masre", 1) == []  # first letter wrong: counts as two
    assert vocab.typo_variants("ionz", 0) == []


def test_unfinished_words_complete_to_the_stems_they_begin():
    assert vocabulary().completions("refrigera") == [stem("refrigerator")]
    assert vocabulary().completions("zzz") == []


def test_glossary_phrases_expand_to_every_synonym():
    clauses = parse("QKD network", vocabulary())
    assert len(clauses) == 2
    assert ("量子密钥分发",) in clauses[0].alternatives and ("quantum", "key", "distribut") in clauses[0].alternatives


def test_every_glossary_group_has_two_terms_and_each_term_one_group():
    seen = set()
    for group in synonym_groups():
        assert len(group) >= 2
        for term in group:
            assert term.lower() not in seen, term
            seen.add(term.lower())
    assert len(synonym_groups()) >= 40
    assert "稀释制冷机" in meilisearch_synonyms()["dilution refrigerator"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_makes_a_valid_fts5_query(text):
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    connection.execute("INSERT INTO t VALUES ('quantum laser 稀释制冷机')")
    clauses = parse(text, vocabulary())
    if clauses:
        connection.execute("SELECT count(*) FROM t WHERE t MATCH ?", [fts_expression(clauses)]).fetchone()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sets(st.sampled_from(["quantum", "laser", "稀释制冷机", "script"])))
def test_highlights_never_contain_markup_other_than_marks(title, terms):
    html = highlight({"title": title, "body": title}, terms, "en")
    stripped = html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_highlights_mark_every_indexed_term_without_segmenting_the_document(monkeypatch):
    import rjieba

    document = {"title": "超导量子比特的稀释制冷机", "summary": "Dilution refrigerators for SNSPD detectors, 10 mK."}
    # Every word the index holds for this text: what a search could match.
    indexed = set(document_terms(document["title"])) | set(document_terms(document["summary"]))

    def refuse(*args, **kwargs):
        raise AssertionError("a search must segment only its query")

    monkeypatch.setattr(rjieba, "tokenize", refuse)
    monkeypatch.setattr(rjieba, "cut", refuse)
    assert highlight(document, {"量子比特", "稀释制冷机"}, "zh") == "超导<mark>量子比特</mark>的<mark>稀释制冷机</mark>"
    assert highlight(document, {"量子"}, "zh") == "超导<mark>量子</mark>比特的稀释制冷机"  # a word inside a word
    assert highlight(document, {"refriger", "detector"}, "en") == (
        "Dilution <mark>refrigerators</mark> for SNSPD <mark>detectors</mark>, 10 mK.")
    for term in indexed:  # whatever a document was found by is marked in it
        assert "<mark>" in highlight(document, {term}, "en"), term
