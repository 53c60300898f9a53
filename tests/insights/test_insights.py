"""The ecosystem map on the demo data: every figure equals a count made here independently (plain SQL over
the tables), the matrix marks the cells with no supplier, each CSV equals its table, both languages."""

import csv
import html as markup
import io
import re
from collections import Counter
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import get_settings
from app.main import create_app
from app.models.base import utcnow

REGIONS = ("east", "central", "west", "northeast")


@pytest.fixture
def demo_client(settings, demo_database):
    engine, _ = demo_database
    with TestClient(create_app(settings.model_copy(update={"database_url": str(engine.url)}))) as client:
        yield client, engine


def rows(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(text(sql), params).all()


def expected(engine) -> dict:
    active = "SELECT * FROM organization WHERE status = 'active'"
    cutoff = (utcnow() - timedelta(days=get_settings().listing_confirm_days)).strftime("%Y-%m-%d %H:%M:%S")
    supplied = rows(engine, f"""
        SELECT DISTINCT o.id, o.region, c.path FROM listing l JOIN ({active}) o ON o.id = l.organization_id
        JOIN category c ON c.id = l.category_id
        WHERE l.status = 'published' AND l.last_confirmed_at >= :cutoff AND o.country = 'CN'""", cutoff=cutoff)
    cells = Counter()
    for org_id, region, path in {(o, r, p.split("/")[0]) for o, r, p in supplied}:
        cells[(region, path)] += 1
    tops = [r[0] for r in rows(engine, "SELECT path FROM category WHERE parent_id IS NULL ORDER BY position")]
    return {
        "total": rows(engine, f"SELECT count(*) FROM ({active})")[0][0],
        "by_org_type": dict(rows(engine, f"SELECT org_type, count(*) FROM ({active}) GROUP BY org_type")),
        "by_country": dict(rows(engine, f"SELECT country, count(*) FROM ({active}) GROUP BY country")),
        "by_region": dict(rows(engine, f"SELECT region, count(*) FROM ({active}) WHERE country = 'CN' GROUP BY region")),
        "coverage": {(region, top): cells[(region, top)] for region in REGIONS for top in tops},
        "tops": tops,
    }


def test_the_api_counts_what_an_independent_count_finds(demo_client):
    client, engine = demo_client
    body = client.get("/api/v1/insights").json()
    want = expected(engine)
    organizations = body["organizations"]
    assert organizations["total"] == want["total"] > 0
    assert organizations["by_org_type"] == want["by_org_type"]
    assert organizations["by_country"] == want["by_country"]
    assert {k: v for k, v in organizations["by_region"].items() if v} == want["by_region"]
    assert set(organizations["by_region"]) == set(REGIONS)  # a region without members is shown as 0
    cells = {(c["region"], c["category"]): c["organizations"] for c in body["coverage"]}
    assert cells == want["coverage"]
    gaps = {(g["region"], g["category"]) for g in body["gaps"]}
    assert gaps == {cell for cell, n in want["coverage"].items() if n == 0}
    assert gaps, "the demo data has regions the alliance does not cover"
    assert 0 <= body["service_providers"]["share"] <= 1


@pytest.mark.parametrize(("language", "title", "gap"), [("en", "Ecosystem map", "gap"), ("zh", "生态图谱", "缺口")])
def test_the_page_has_charts_tables_and_the_matrix_with_its_gaps(demo_client, language, title, gap):
    client, engine = demo_client
    page = client.get("/insights", params={"lang": language})
    assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
    assert page.text.count("<svg") == 7 and page.text.count('role="img"') == 7 and "<script" not in page.text.split("<main")[1].split("</main>")[0]
    want = expected(engine)
    gaps = [cell for cell, n in want["coverage"].items() if n == 0]
    assert page.text.count('class="gap"') == len(gaps)
    assert page.text.count(f'<span class="cell-note">{gap}</span>') == len(gaps)
    region, top = gaps[0]
    assert f'href="/marketplace/{top}?country=CN&amp;region={region}"' in page.text


def table_of(html: str, chart: str) -> list[list[str]]:
    section = html.split(f'id="chart-{chart}"')[1].split("</section>")[0]
    body = section.split("<tbody>")[1].split("</tbody>")[0]
    return [[markup.unescape(re.sub(r"<[^>]+>", "", cell).strip()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("chart", ["org-types", "membership", "regions", "countries", "domains", "job-functions",
                                   "job-regions"])
def test_each_csv_equals_its_table(demo_client, language, chart):
    client, _ = demo_client
    html = client.get("/insights", params={"lang": language}).text
    download = client.get(f"/insights/{chart}.csv", params={"lang": language})
    assert download.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff"))))
    table = [[label, number.replace(",", "")] for label, number in table_of(html, chart)]
    assert lines[1:] == table and table


def test_the_coverage_csv_is_the_matrix_and_unknown_tables_are_404(demo_client):
    client, engine = demo_client
    lines = list(csv.reader(io.StringIO(client.get("/insights/coverage.csv?lang=en").text.lstrip("\ufeff"))))
    want = expected(engine)
    assert len(lines) == 1 + len(REGIONS) and len(lines[0]) == 1 + len(want["tops"])
    east = dict(zip(want["tops"], map(int, lines[1][1:])))
    assert east == {top: want["coverage"][("east", top)] for top in want["tops"]}
    assert client.get("/insights/secrets.csv").status_code in (404, 422)
