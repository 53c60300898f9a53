"""Search clamps (RELIABILITY 26, 47): hostile and huge queries never fail; paging beyond the caps is a 422
naming the field on the API and clamped on the HTML page; parameters outside the contract are ignored."""

import pytest

from app.search.params import MAX_QUERY_TERMS, QUERY_TERMS_KEPT, clamp_query
from app.search.schemas import MAX_PAGE, MAX_PER_PAGE
from tests.helpers import assert_left_out

PAYLOADS = ['"', "a-b", "NEAR(", "AND", "*", "title:", "'", "@x", "🙂", "量子🙂\"", "x" * 5000, "' OR 1=1--",
            "a" * 100 + " " + "b" * 100, " ".join(f"term{n}" for n in range(200)), "\\", "%", "_", "-x", "^x",
            "NOT", "a OR b", "(", ")", "{x}", "col:x", "x*y", "NEAR(a b, 3)", "\u202e", "\ufeff"]


@pytest.mark.parametrize("path", ["/search", "/api/v1/search", "/jobs", "/marketplace"])
def test_hostile_queries_answer_200_or_422_never_5xx(client, path):
    for q in PAYLOADS:
        response = client.get(path, params={"q": q})
        assert response.status_code in (200, 422), (path, q, response.status_code)


def test_paging_beyond_the_caps_is_named_on_the_api(client):
    for params, field in [({"page": MAX_PAGE + 1}, "page"), ({"per_page": MAX_PER_PAGE + 1}, "per_page"),
                          ({"page": 10**12}, "page"), ({"per_page": 100000}, "per_page")]:
        response = client.get("/api/v1/search", params={"q": "qubit", **params})
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] == field


def test_paging_beyond_the_caps_is_clamped_on_the_search_page(client):
    response = client.get("/search", params={"q": "qubit", "page": 100000, "per_page": 100000})
    assert response.status_code == 200
    assert_left_out(client.get("/search", params={"q": "qubit", "page": 0, "lang": "en"}), "page")  # below 1: left out


def test_limit_and_offset_are_not_parameters_and_change_nothing(client):
    response = client.get("/api/v1/search", params={"q": "", "limit": 100000, "offset": 1000000})
    assert response.status_code == 200 and len(response.json()["hits"]) <= 20
    assert client.get("/search", params={"q": "x", "limit": 100000, "offset": 1000000}).status_code == 200
    assert client.get("/jobs", params={"limit": 100000, "offset": 1000000}).status_code == 200


def test_long_queries_are_cut_to_the_searched_part_and_over_5000_characters_refused(client):
    assert clamp_query("x" * 5000) == "x" * QUERY_TERMS_KEPT
    many = " ".join(f"t{n}" for n in range(200))
    assert clamp_query(many).split() == [f"t{n}" for n in range(MAX_QUERY_TERMS)]
    assert clamp_query("稀释制冷机 dilution") == "稀释制冷机 dilution"
    refused = client.get("/api/v1/search", params={"q": "x" * 5001})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "q"
