"""/insights: the ecosystem map, each chart with its table and a CSV of the same numbers."""

import csv
import io
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import SessionDep
from app.i18n import N_, gettext
from app.insights.charts import Bar, bar_chart
from app.insights.service import Insights, insights
from app.models.labels import label
from app.web import country_name, localized, render, request_language

router = APIRouter()


@dataclass
class Table:
    name: str  # in the CSV's address: /insights/{name}.csv
    title: str
    column: str  # what the first column names
    bars: list[Bar]

    def csv_rows(self, language: str) -> list[list[str]]:
        return [[self.column, gettext(language, COUNT)], *[[bar.label, str(bar.value)] for bar in self.bars]]


COUNT = N_("Count")


def _search(**filters: str) -> str:
    return "/search?" + urlencode(filters)


def tables(data: Insights, language: str) -> list[Table]:
    """The charts of the page, in order, with their links; the CSVs are made from the same rows."""
    t = lambda text: gettext(language, text)  # noqa: E731
    return [
        Table("org-types", t(N_("Members by organisation type")), t(N_("Organisation type")),
              [Bar(label(v, language), n, _search(type="organization", org_type=v)) for v, n in data.by_org_type.items()]),
        Table("membership", t(N_("Members by membership level")), t(N_("Membership level")),
              [Bar(label(v, language), n, _search(type="organization", membership=v)) for v, n in data.by_membership.items()]),
        Table("regions", t(N_("Members in China by region")), t(N_("Region")),
              [Bar(label(v, language), n, _search(type="organization", country="CN", region=v))
               for v, n in data.by_region.items()]),
        Table("countries", t(N_("Members by country")), t(N_("Country")),
              [Bar(country_name(v, language), n, _search(type="organization", country=v)) for v, n in data.by_country.items()]),
        Table("domains", t(N_("Listings by technology domain of their organisation")), t(N_("Technology domain")),
              [Bar(label(v, language), n, _search(type="organization", domains=v)) for v, n in data.listings_by_domain.items()]),
        Table("job-functions", t(N_("Live jobs by function")), t(N_("Function")),
              [Bar(label(v, language), n, f"/jobs?function={v}") for v, n in data.jobs_by_function.items()]),
        Table("job-regions", t(N_("Live jobs by region")), t(N_("Region")),
              [Bar(label(v, language), n, f"/jobs?region={v}") for v, n in data.jobs_by_region.items()]),
    ]


def coverage_rows(data: Insights, language: str) -> list[list[str]]:
    """The matrix as CSV rows: region, then one count per top category."""
    names = [localized(top, "name", language) for top in data.tops]
    counts = {(c.region, c.category): c.organizations for c in data.coverage}
    rows = [["", *names]]
    for region in dict.fromkeys(c.region for c in data.coverage):
        rows.append([label(region, language), *[str(counts[(region, top.path)]) for top in data.tops]])
    return rows


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, session: SessionDep) -> HTMLResponse:
    language = request_language(request)
    data = insights(session)
    charts = [(table, bar_chart(table.title, table.bars)) for table in tables(data, language)]
    cells = {(c.region, c.category): c for c in data.coverage}
    regions = list(dict.fromkeys(c.region for c in data.coverage))
    return render(request, "insights.html", {"data": data, "charts": charts, "cells": cells, "regions": regions})


CsvName = Literal["org-types", "membership", "regions", "countries", "domains", "job-functions", "job-regions", "coverage"]


@router.get("/insights/{name}.csv")
def insights_csv(request: Request, session: SessionDep, name: CsvName) -> Response:
    language = request_language(request)
    data = insights(session)
    if name == "coverage":
        rows = coverage_rows(data, language)
    else:
        rows = next(t for t in tables(data, language) if t.name == name).csv_rows(language)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",  # BOM: Excel reads UTF-8
                    headers={"Content-Disposition": f'attachment; filename="qmarket-{name}.csv"'})
