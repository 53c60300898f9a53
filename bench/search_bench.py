"""Benchmark of the embedded search engine (SQLite FTS5) on a synthetic corpus of realistic size.

Why synthetic: the demo data has a few hundred records, and the targets are set at 100k and 1M records. The
corpus is recombined from the demo data (seed/demo/*.yaml), so the words, the Chinese text, the tags, the
organisations, the categories and the facet values are the ones real members write, in realistic proportions;
records are built with the real model classes and turned into documents by app/search/documents.py, so the
index holds exactly what production would hold.

Why in-process: the targets are in-process latencies of `EmbeddedBackend.search()`; HTTP, templates and the
database re-check of hits (app/search/runner.py) come on top and are not measured here.

    .venv/bin/python bench/search_bench.py --docs 100000 --index /tmp/qm-bench-100k.db --json /tmp/bench.json

See bench/README.md for the options and how to read the output, bench/RESULTS.md for recorded numbers.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import math
import os
import platform
import pstats
import random
import re
import resource
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from app.catalog.service import confirmed_since  # noqa: E402
from app.geography import CN_CITY_PROVINCE, CN_PROVINCES, derive_region, province_of_city  # noqa: E402
from app.models import Category, Job, Listing, Organization  # noqa: E402
from app.models.states import JobStatus, ListingStatus, OrgStatus  # noqa: E402
from app.models.vocab import EmploymentType, JobFunction, Workplace  # noqa: E402
from app.search.documents import job_document, listing_document, organization_document  # noqa: E402
from app.search.embedded import EmbeddedBackend  # noqa: E402
from app.search.schemas import SearchQuery  # noqa: E402
from app.search.settings import MAX_COUNTED_HITS, synonym_groups  # noqa: E402
from app.search.text import is_cjk, load_segmenter, query_words  # noqa: E402

SEED_DIR = ROOT / "seed"
# A fixed "now" keeps the corpus identical from run to run (jobs must not have expired).
NOW = datetime(2026, 1, 1, tzinfo=UTC)
TYPE_SHARES = {"organization": 0.05, "listing": 0.70, "job": 0.25}
# Targets from the product brief, in ms: p99 of every query class in-process.
TARGETS_MS = {100_000: 25.0, 1_000_000: 50.0}


# ---- the demo data: the source of every word ------------------------------------------------------


@dataclass
class Demo:
    organizations: list[dict]
    listings: list[dict]
    jobs: list[dict]
    categories: dict[str, Category]  # path → category, top categories included


def load_demo(seed_dir: Path = SEED_DIR) -> Demo:
    def read(path: Path) -> list[dict]:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle) or []

    categories: dict[str, Category] = {}
    for top in read(seed_dir / "categories.yaml"):
        categories[top["slug"]] = Category(id=len(categories) + 1, path=top["slug"], slug=top["slug"],
                                           name=top["name"], name_zh=top["name_zh"])
        for sub in top.get("subcategories") or []:
            path = f"{top['slug']}/{sub['slug']}"
            categories[path] = Category(id=len(categories) + 1, path=path, slug=sub["slug"], name=sub["name"],
                                        name_zh=sub["name_zh"])
    listings = [item for path in sorted((seed_dir / "demo").glob("listings-*.yaml")) for item in read(path)]
    return Demo(read(seed_dir / "demo" / "organizations.yaml"), listings, read(seed_dir / "demo" / "jobs.yaml"),
                categories)


# ---- the synthetic corpus -------------------------------------------------------------------------

# Brand names of made-up members: pinyin syllables, as most member names are (Jinghua, Beiyan …); they make
# the organisation vocabulary grow with the corpus as a real one would.
_SYLLABLES = ("an bai bei bo chang chen cheng da dong feng fu guang hai han hao heng hong hua hui jia jian jin "
              "jing kai ke lan li long lu ming nan ning peng qi qian rui sheng shi tai tian wei xin xing yan yang "
              "yi yu yuan ze zhi zhong").split()
# Model codes at the start of product titles: BF-400, XC-Q8, HQ-Ion12 (not NV-centre).
_MODEL_CODE = re.compile(r"^[A-Z]{2,}[A-Za-z0-9]*(?:-[A-Z0-9][A-Za-z0-9.]*)+$")
_FOREIGN_PLACES = [("US", "Boston"), ("US", "Chicago"), ("DE", "Munich"), ("GB", "Cambridge"), ("FR", "Paris"),
                   ("NL", "Delft"), ("CH", "Zurich"), ("JP", "Tokyo"), ("KR", "Daejeon"), ("SG", "Singapore"),
                   ("AU", "Sydney"), ("CA", "Waterloo"), ("FI", "Espoo"), ("IT", "Turin"), ("IN", "Bengaluru")]


def _paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def _ascii_cities() -> dict[str, list[str]]:
    """Chinese province → city names in Latin letters, for made-up members in other provinces."""
    cities: dict[str, list[str]] = {}
    for city, province in CN_CITY_PROVINCE.items():
        if city.isascii() and city.isalpha():
            cities.setdefault(province, []).append(city.capitalize())
    return cities


class Corpus:
    """N search documents recombined from the demo data, deterministic for a given (N, seed).

    Organisations are made first (they are what listings and jobs point to); documents come out in the
    order `qmarket search reindex` feeds them (by type, then id), and record ids grow with their dates as
    in a real database, because the engine uses rowid order as a proxy for "newest".
    """

    def __init__(self, demo: Demo, size: int, seed: int) -> None:
        self.demo = demo
        self.rng = random.Random(seed)
        self.counts = self._counts(size)
        self.cities = _ascii_cities()
        self.listings_by_category: dict[str, list[dict]] = {}
        for listing in demo.listings:
            self.listings_by_category.setdefault(listing["category"], []).append(listing)
        self.tags_by_category = {path: sorted({t for item in items for t in item.get("tags") or []})
                                 for path, items in self.listings_by_category.items()}
        zh_names = [o["name_zh"] for o in demo.organizations if o.get("name_zh")]
        self.zh_brand_chars = sorted({name[i] for name in zh_names for i in (0, 1)})
        self.offers: dict[int, list[Category]] = {}  # organisation id → the categories it offers
        self.organizations = [self._organization(i) for i in range(1, self.counts["organization"] + 1)]
        # A few members post most records: weights fall with the (random) rank of the organisation.
        weights = [1 / (rank ** 0.6) for rank in range(1, len(self.organizations) + 1)]
        self.rng.shuffle(weights)
        self.org_cumulative_weights = list(itertools.accumulate(weights))

    @staticmethod
    def _counts(size: int) -> dict[str, int]:
        organizations = max(1, round(size * TYPE_SHARES["organization"]))
        jobs = round(size * TYPE_SHARES["job"])
        return {"organization": organizations, "listing": max(0, size - organizations - jobs), "job": jobs}

    def documents(self) -> Iterator[dict]:
        for doc_type in ("job", "listing", "organization"):  # reindex order: sorted by (type, id)
            make = {"job": self._job_document, "listing": self._listing_document,
                    "organization": self._organization_document}[doc_type]
            for record_id in range(1, self.counts[doc_type] + 1):
                document = make(record_id)
                if document is not None:
                    yield document

    # ---- helpers

    def _date(self, record_id: int, count: int, span_days: int) -> datetime:
        """Older records have smaller ids; a little jitter, as imports and edits reorder things."""
        age = span_days * (1 - record_id / (count + 1)) + self.rng.uniform(-5, 5)
        return NOW - timedelta(days=max(0.0, age), seconds=self.rng.randrange(86_400))

    def _brand(self) -> tuple[str, str]:
        english = "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.choice((2, 2, 3)))).capitalize()
        chinese = "".join(self.rng.choice(self.zh_brand_chars) for _ in range(2))
        return english, chinese

    def _place(self, template: dict) -> tuple[str, str | None, str | None]:
        """(country, province, city): mostly the template's, sometimes elsewhere in China or abroad."""
        roll = self.rng.random()
        if roll < 0.80:
            return template["country"], template.get("province"), template.get("city")
        if roll < 0.92:
            province = self.rng.choice(sorted(self.cities))
            return "CN", province, self.rng.choice(self.cities[province])
        country, city = self.rng.choice(_FOREIGN_PLACES)
        return country, None, city

    def _org(self) -> Organization:
        return self.rng.choices(self.organizations, cum_weights=self.org_cumulative_weights)[0]

    def _mix_text(self, own: str | None, donors: list[dict], name: str) -> str:
        """The template's paragraphs, often followed by one paragraph of a similar record."""
        paragraphs = _paragraphs(own)
        if donors and self.rng.random() < 0.6:
            extra = _paragraphs(self.rng.choice(donors).get(name))
            if extra:
                paragraphs.append(self.rng.choice(extra))
        return "\n\n".join(paragraphs)

    # ---- organisations

    def _organization(self, record_id: int) -> Organization:
        template = self.rng.choice(self.demo.organizations)
        brand, brand_zh = self._brand()
        words = template["name"].split()
        name = f"{brand} {' '.join(words[1:] or words)}"
        name_zh = brand_zh + (template.get("name_zh") or "")[2:]
        country, province, city = self._place(template)
        donors = self.demo.organizations

        def rename(text: str) -> str:
            return text.replace(template["name"], name).replace(template.get("name_zh") or "\0", name_zh)

        when = self._date(record_id, self.counts["organization"], 5 * 365)
        org = Organization(
            id=record_id, slug=f"{brand.lower()}-{record_id}", name=name, name_zh=name_zh,
            org_type=template["org_type"], membership=template.get("membership"), status=OrgStatus.active,
            country=country, province=province, city=city, region=derive_region(country, province),
            description=rename(self._mix_text(template.get("description"), donors, "description")),
            description_zh=rename(self._mix_text(template.get("description_zh"), donors, "description_zh")),
            domains=list(template.get("domains") or []), created_at=when, approved_at=when,
        )
        self.offers[record_id] = [self.demo.categories[p] for p in template.get("offers") or []
                                  if p in self.demo.categories]
        return org

    def _organization_document(self, record_id: int) -> dict | None:
        org = self.organizations[record_id - 1]
        return organization_document(org, self.offers[record_id])

    # ---- listings

    def _listing_document(self, record_id: int) -> dict | None:
        template = self.rng.choice(self.demo.listings)
        category = template["category"]
        donors = self.listings_by_category[category]
        title, title_zh = template["title"], template.get("title_zh") or ""
        if self.rng.random() < 0.4:  # the head of this title, the tail of a similar one
            donor = self.rng.choice(donors)
            head, tail = title.split(), donor["title"].split()
            title = " ".join(head[: max(1, len(head) // 2)] + tail[len(tail) // 2 :])
            title_zh = donor.get("title_zh") or title_zh
        texts = {
            "summary": self.rng.choice(donors).get("summary") if self.rng.random() < 0.3 else template.get("summary"),
            "summary_zh": template.get("summary_zh") or "",
            "description": self._mix_text(template.get("description"), donors, "description"),
            "description_zh": self._mix_text(template.get("description_zh"), donors, "description_zh"),
        }
        first = title.split()[0]
        if _MODEL_CODE.match(first):  # every product has its own model code, used in all its texts
            code = "".join(self.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(self.rng.choice((2, 3))))
            code += f"-{self.rng.randrange(1, 10 ** self.rng.choice((1, 2, 3, 4)))}"
            title, title_zh = title.replace(first, code), title_zh.replace(first, code)
            texts = {k: (v or "").replace(first, code) for k, v in texts.items()}
        pool = self.tags_by_category[category]
        extra_tags = self.rng.sample(pool, min(len(pool), self.rng.randrange(3)))
        tags = list(dict.fromkeys((template.get("tags") or []) + extra_tags))
        org = self._org()
        published = self._date(record_id, self.counts["listing"], 3 * 365)
        # Only listings their organisation confirmed recently are visible: all of these were.
        cutoff = confirmed_since(NOW)
        confirmed = max(published, cutoff + (NOW - cutoff) * self.rng.uniform(0.05, 1))
        listing = Listing(
            id=record_id, slug=f"listing-{record_id}", organization_id=org.id, kind=template["kind"], category_id=0,
            title=title, title_zh=title_zh, summary=texts["summary"] or "", summary_zh=texts["summary_zh"],
            description=texts["description"], description_zh=texts["description_zh"], tags=tags,
            trl=template.get("trl"), status=ListingStatus.published, published_at=published,
            last_confirmed_at=confirmed,
        )
        return listing_document(listing, org, self.demo.categories[category], confirmed_after=cutoff)

    # ---- jobs

    def _job_document(self, record_id: int) -> dict | None:
        template = self.rng.choice(self.demo.jobs)
        org = self._org()
        if self.rng.random() < 0.8:
            country, city = org.country, org.city
        else:
            country, city = template["country"], template.get("city")
        province = None
        if country == "CN":
            province = province_of_city(city) or (org.province if org.country == "CN" else None) \
                or self.rng.choice(sorted(CN_PROVINCES))
        title, title_zh = template["title"], template.get("title_zh") or ""
        if self.rng.random() < 0.2:
            title, title_zh = f"Senior {title[0].lower()}{title[1:]}", f"高级{title_zh}"

        def pick(enum, value):
            return value if self.rng.random() < 0.8 else self.rng.choice(list(enum)).value

        published = self._date(record_id, self.counts["job"], 60)
        job = Job(
            id=record_id, slug=f"job-{record_id}", organization_id=org.id, title=title, title_zh=title_zh,
            function=pick(JobFunction, template["function"]),
            employment_type=pick(EmploymentType, template["employment_type"]),
            workplace=pick(Workplace, template["workplace"]), country=country, city=city,
            region=derive_region(country, province),
            description=self._mix_text(template.get("description"), self.demo.jobs, "description"),
            description_zh=self._mix_text(template.get("description_zh"), self.demo.jobs, "description_zh"),
            requirements=template.get("requirements") or "", requirements_zh=template.get("requirements_zh") or "",
            status=JobStatus.published, published_at=published,
            expires_at=NOW + timedelta(days=self.rng.randrange(1, 90)),
        )
        return job_document(job, org, now=NOW)


# ---- the index -----------------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float | None  # None when an existing index was reused
    documents: int
    types: dict[str, int]
    index_bytes: int
    wal_bytes: int
    peak_rss_mb: float

    @property
    def docs_per_second(self) -> float | None:
        return self.documents / self.seconds if self.seconds else None


def _sidecars(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _is_search_index(path: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'fts'").fetchone() is not None
    except sqlite3.Error:
        return False


def _counted(documents: Iterator[dict], total: int, started: float) -> Iterator[dict]:
    """Progress on stderr every 5%: jieba makes a 100k build take minutes."""
    step = max(1, total // 20)
    for count, document in enumerate(documents, 1):
        yield document
        if count % step == 0 or count == total:
            elapsed = time.perf_counter() - started
            rate = count / elapsed
            print(f"  indexed {count:>9,}/{total:,}  {rate:7.0f} docs/s  eta {(total - count) / rate:6.0f} s",
                  file=sys.stderr, flush=True)


def build_index(path: Path, size: int, seed: int, reuse: bool) -> Build:
    """Build the index with EmbeddedBackend.rebuild(), exactly as `qmarket search reindex` does, or reuse one."""
    seconds = None
    if reuse and path.exists():
        if not _is_search_index(path):
            sys.exit(f"{path} is not a search index: cannot reuse it")
        print(f"reusing {path}", file=sys.stderr)
    else:
        if path.exists():
            if not _is_search_index(path):
                sys.exit(f"{path} exists and is not a search index: refusing to overwrite it")
            for file in _sidecars(path):
                file.unlink(missing_ok=True)
        print(f"generating and indexing {size:,} documents into {path} …", file=sys.stderr)
        started = time.perf_counter()
        corpus = Corpus(load_demo(), size, seed)
        backend = EmbeddedBackend(str(path))
        backend.rebuild(_counted(corpus.documents(), size, started))
        seconds = time.perf_counter() - started
        backend.close()
    with sqlite3.connect(path) as connection:
        types = dict(connection.execute("SELECT type, count(*) FROM docs GROUP BY type"))
        documents = sum(types.values())
        # The rebuild's one big transaction leaves a large WAL; fold it in so the size is the index's own.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if documents == 0:  # e.g. a build that was interrupted: its transaction was rolled back
        sys.exit(f"{path} holds no documents: build it again (without --reuse)")
    if documents != size:
        print(f"note: the index holds {documents:,} documents, not --docs {size:,}", file=sys.stderr)
    wal = _sidecars(path)[1]
    wal_bytes = wal.stat().st_size if wal.exists() else 0
    return Build(seconds, documents, types, path.stat().st_size, wal_bytes, peak_rss_mb())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# ---- the queries ---------------------------------------------------------------------------------

_STOP_WORDS = set("""a an and are as at be by for from in into is it of on or per the to up via with without our
your we you can all any its this that than more less over under new one two""".split())
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
BROAD_TERMS = ("quantum", "量子", "system", "系统", "qubit", "测量")


@dataclass
class Terms:
    """Query material drawn from the same demo text as the corpus, so queries look like what people type."""

    english: list[str]  # words of titles and tags
    long_english: list[str]  # 6+ letters, for typos and prefixes
    bigrams: list[tuple[str, str]]  # consecutive title words
    chinese: list[str]  # words of Chinese titles and tags, as a query is cut
    mixed: list[tuple[str, str]]  # an English and a Chinese word of the same title
    glossary: list[str]
    job_words: list[str]
    job_countries: list[str]
    top_categories: list[str]
    listing_words: list[tuple[str, list[str]]]  # (top category, words of one listing's titles)
    known: set[str]  # every word of the demo text, so that a made-up typo is not a real word


def _english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]+", text) if len(w) >= 3 and w.lower() not in _STOP_WORDS]


def _chinese_words(text: str) -> list[str]:
    return [w for w in query_words(text) if is_cjk(w) and len(w) >= 2]


def _title_words(record: dict) -> list[str]:
    return _english_words(record["title"]) + _chinese_words(record.get("title_zh") or "")


def collect_terms(demo: Demo) -> Terms:
    records = demo.listings + demo.jobs
    titles = [r["title"] for r in records] + [t for r in demo.listings for t in r.get("tags") or []]
    titles_zh = [r.get("title_zh") or "" for r in records] + [t for r in demo.listings for t in r.get("tags") or []]
    english = sorted({w for t in titles for w in _english_words(t)})
    bigrams = sorted({(a, b) for t in titles for a, b in itertools.pairwise(re.findall(r"[A-Za-z]+", t))
                      if len(a) >= 3 and len(b) >= 6 and b.lower() not in _STOP_WORDS})
    mixed = sorted({(e, c) for r in demo.listings for e in _english_words(r["title"])
                    for c in _chinese_words(r.get("title_zh") or "")})
    all_text = " ".join(str(v) for r in records + demo.organizations for v in r.values())
    return Terms(
        english=english,
        long_english=sorted({w for w in english if len(w) >= 6 and w.isalpha()}),
        bigrams=bigrams,
        chinese=sorted({w for t in titles_zh for w in _chinese_words(t)}),
        mixed=mixed,
        glossary=sorted({term for group in synonym_groups() for term in group}),
        job_words=sorted({w for j in demo.jobs for w in _title_words(j)}),
        job_countries=[j["country"] for j in demo.jobs],  # with repeats: the demo's distribution
        top_categories=sorted({path.split("/")[0] for path in demo.categories}),
        listing_words=[(r["category"].split("/")[0], _title_words(r)) for r in demo.listings],
        known={w.lower() for w in re.findall(r"[A-Za-z]+", all_text)},
    )


def typo(word: str, rng: random.Random, known: set[str]) -> str:
    """One edit (swap, substitution, deletion, insertion) after the first letter, which is never wrong:
    the engine counts a first-letter typo as two, so it would find nothing in a 6-8 letter word."""
    word = word.lower()
    for _ in range(20):
        i = rng.randrange(1, len(word) - 1)
        edit = rng.choice(("swap", "substitute", "delete", "insert"))
        if edit == "swap":
            candidate = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif edit == "substitute":
            candidate = word[:i] + rng.choice(_LETTERS.replace(word[i], "")) + word[i + 1 :]
        elif edit == "delete":
            candidate = word[:i] + word[i + 1 :]
        else:
            candidate = word[:i] + rng.choice(_LETTERS) + word[i:]
        if candidate not in known:
            return candidate
    return word


@dataclass
class QueryClass:
    name: str
    description: str
    make: Callable[[random.Random], SearchQuery]


def query_classes(terms: Terms, language: str) -> list[QueryClass]:
    """The query mix: each class isolates one thing the engine does (expansion, filters, paging …)."""

    def q(text: str, **kwargs) -> SearchQuery:
        return SearchQuery(q=text, language=language, **kwargs)

    def filtered_job(rng: random.Random) -> SearchQuery:
        return q(rng.choice(terms.job_words), filters={"type": ("job",), "country": (rng.choice(terms.job_countries),)})

    def filtered_category(rng: random.Random) -> SearchQuery:
        top, words = rng.choice(terms.listing_words)  # a word that listings of this category use
        return q(rng.choice(words), filters={"type": ("listing",), "category": (top,)})

    def word_and_prefix(rng: random.Random) -> SearchQuery:
        first, second = rng.choice(terms.bigrams)
        return q(f"{first} {second[:4]}")

    def browse(rng: random.Random) -> SearchQuery:
        filters = rng.choice([
            {"type": ("listing",), "category": (rng.choice(terms.top_categories),)},
            {"type": ("job",), "country": (rng.choice(terms.job_countries),)},
            {"type": ("organization",)},
        ])
        return q("", filters=filters, sort="newest")

    return [
        QueryClass("english-1", "one English word of a title or tag", lambda r: q(r.choice(terms.english))),
        QueryClass("english-2", "two consecutive title words", lambda r: q(" ".join(r.choice(terms.bigrams)) + " ")),
        QueryClass("chinese", "one Chinese word of a title or tag", lambda r: q(r.choice(terms.chinese))),
        QueryClass("mixed", "an English and a Chinese word of one title",
                   lambda r: q(" ".join(r.choice(terms.mixed)) + " ")),
        QueryClass("typo", "a 6+ letter word with one edit (not on its first letter)",
                   lambda r: q(typo(r.choice(terms.long_english), r, terms.known) + " ")),
        QueryClass("prefix-4", "first 4 letters of a 6+ letter word, still typing",
                   lambda r: q(r.choice(terms.long_english)[:4])),
        QueryClass("prefix-2", "first 2 letters of a word, still typing",
                   lambda r: q(r.choice(terms.long_english)[:2])),
        QueryClass("word+prefix", "a word, then 4 letters of the next one", word_and_prefix),
        QueryClass("glossary", "a glossary term (synonyms expanded)", lambda r: q(r.choice(terms.glossary) + " ")),
        QueryClass("filter-job", "a job title word, type=job and a country", filtered_job),
        QueryClass("filter-cat", "a word, type=listing and a top category (subtree)", filtered_category),
        QueryClass("broad", "quantum / 量子 / system …: thousands of matches", lambda r: q(r.choice(BROAD_TERMS) + " ")),
        QueryClass("browse", "no words, one filter, sort=newest", browse),
        QueryClass("deep-page", "a broad word, page 50", lambda r: q(r.choice(BROAD_TERMS) + " ", page=50)),
    ]


# ---- measuring -----------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    description: str
    milliseconds: list[float]  # wall-clock time of each call: what the targets are about
    cpu_milliseconds: list[float]  # this process's CPU time: hardly moved by other work on a shared machine
    totals: list[int]
    example: str

    def percentile(self, p: float, cpu: bool = False) -> float:
        """Nearest rank: the smallest time that p% of the calls did not exceed (no interpolation)."""
        ordered = sorted(self.cpu_milliseconds if cpu else self.milliseconds)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def summary(self) -> dict:
        return {
            "description": self.description,
            "count": len(self.milliseconds),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "max_ms": round(max(self.milliseconds), 2),
            "cpu_p50_ms": round(self.percentile(50, cpu=True), 2),
            "cpu_p99_ms": round(self.percentile(99, cpu=True), 2),
            "mean_total_hits": round(sum(self.totals) / len(self.totals), 1),
            "zero_hit_share": round(sum(1 for t in self.totals if t == 0) / len(self.totals), 3),
            "example": self.example,
        }


def queries_for(query_class: QueryClass, seed: int, count: int) -> list[SearchQuery]:
    """The same queries for a class whatever the other classes or the repeat count: one RNG per class."""
    rng = random.Random(f"{seed}:{query_class.name}")
    return [query_class.make(rng) for _ in range(count)]


def _describe(query: SearchQuery) -> str:
    parts = [repr(query.q)]
    parts += [f"{k}={'|'.join(v)}" for k, v in query.filters.items()]
    if query.sort != "relevance":
        parts.append(f"sort={query.sort}")
    if query.page != 1:
        parts.append(f"page={query.page}")
    return " ".join(parts)


def warm_up(backend: EmbeddedBackend, classes: list[QueryClass], seed: int) -> float:
    """Load jieba and the vocabulary and run each class twice, so that no timed call pays a one-off cost."""
    started = time.perf_counter()
    load_segmenter()
    backend.vocabulary()
    for query_class in classes:
        for query in queries_for(query_class, seed + 1_000_003, 2):  # other queries than the timed ones
            backend.search(query)
    return time.perf_counter() - started


def measure(backend: EmbeddedBackend, query_class: QueryClass, seed: int, repeat: int, budget_s: float) -> Timing:
    """Time each query alone. A class that takes seconds per query stops after `budget_s` (n shows it): its
    p50 already says what matters, and 200 such queries would keep the benchmark busy for an hour."""
    milliseconds, cpu_milliseconds, totals = [], [], []
    queries = queries_for(query_class, seed, repeat)
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        result = backend.search(query)
        milliseconds.append((time.perf_counter() - started) * 1000)
        cpu_milliseconds.append((time.process_time() - started_cpu) * 1000)
        totals.append(result.total)
        if sum(milliseconds) > budget_s * 1000:
            break
    return Timing(query_class.name, query_class.description, milliseconds, cpu_milliseconds, totals,
                  _describe(queries[0]))


def profile(backend: EmbeddedBackend, query_class: QueryClass, seed: int, repeat: int, out: Path | None) -> None:
    """cProfile one class's queries: where the time goes (SQL, expansion, highlights …)."""
    queries = queries_for(query_class, seed, repeat)
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        backend.search(query)
    profiler.disable()
    if out:
        profiler.dump_stats(out)
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    print(f"\n== cProfile of {query_class.name}: {repeat} queries, by cumulative time ==")
    stats.sort_stats("cumulative").print_stats(30)
    print(f"== {query_class.name}: by own time ==")
    stats.sort_stats("tottime").print_stats(15)
    print("== who calls sqlite3 execute / fetch, and how long it takes ==")
    stats.print_callers(r"execute|fetch")


# ---- reporting -----------------------------------------------------------------------------------


def environment() -> dict:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "command": " ".join(sys.argv),
    }


def print_report(env: dict, build: Build, timings: list[Timing], target_ms: float | None, warm_up_s: float) -> None:
    print(f"QMarket embedded search benchmark, {env['date']}: {build.documents:,} documents, "
          f"Python {env['python']}, SQLite {env['sqlite']}, {env['cpus']} CPUs")
    if build.seconds:
        print(f"build: {build.seconds:,.0f} s ({build.docs_per_second:,.0f} docs/s)", end="; ")
    else:
        print("build: reused an existing index", end="; ")
    print(f"index {build.index_bytes / 2**20:,.0f} MiB (+{build.wal_bytes / 2**20:,.0f} MiB WAL); "
          f"peak RSS after build {build.peak_rss_mb:,.0f} MiB; warm-up {warm_up_s:.1f} s")
    print(f"load average (1 min) when timing started / ended: {env['load_before']:.1f} / {env['load_after']:.1f}")
    header = (f"{'class':<12} {'n':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'cpu50':>7} {'cpu99':>7} "
              f"{'hits':>6} {'zero':>5}  example")
    print(f"\n{header}\n{'-' * len(header)}")
    for timing in timings:
        s = timing.summary()
        flag = " " if target_ms is None else ("✓" if s["p99_ms"] <= target_ms else "✗")
        print(f"{timing.name:<12} {s['count']:>4} {s['p50_ms']:>7.1f} {s['p95_ms']:>7.1f} {s['p99_ms']:>6.1f}{flag} "
              f"{s['max_ms']:>7.1f} {s['cpu_p50_ms']:>7.1f} {s['cpu_p99_ms']:>7.1f} {s['mean_total_hits']:>6.0f} "
              f"{s['zero_hit_share']:>5.0%}  {s['example'][:40]}")
    note = f"; ✓/✗: p99 within the {target_ms:g} ms target at this size" if target_ms else ""
    print(f"\nms per EmbeddedBackend.search() call (cpu: this process's CPU time); hits: mean total "
          f"(capped at {MAX_COUNTED_HITS:,}); zero: share of queries with no hit{note}")
    print(f"peak RSS of the process: {peak_rss_mb():,.0f} MiB")


def target_for(size: int) -> float | None:
    """The target of the nearest size the brief names (within a factor of two), else none."""
    for target_size, milliseconds in TARGETS_MS.items():
        if target_size / 2 <= size <= target_size * 2:
            return milliseconds
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents in the synthetic corpus")
    parser.add_argument("--seed", type=int, default=1, help="seed of the corpus and of the queries")
    parser.add_argument("--index", type=Path, help="index file (default: /tmp/qmarket-bench-<docs>.db)")
    parser.add_argument("--reuse", action="store_true", help="reuse --index if it exists instead of rebuilding it")
    parser.add_argument("--repeat", type=int, default=200, help="timed queries per class")
    parser.add_argument("--budget", type=float, default=120, metavar="SECONDS",
                        help="stop timing a class once its queries took this long (default 120)")
    parser.add_argument("--classes", help="comma-separated class names to run (default: all)")
    parser.add_argument("--language", default="zh", choices=("zh", "en"), help="the reader's language (highlights)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--profile", metavar="CLASS", help="after timing, run CLASS once more under cProfile")
    parser.add_argument("--profile-out", type=Path, help="write the cProfile stats there (for snakeviz, pstats)")
    args = parser.parse_args(argv)

    index = args.index or Path(f"/tmp/qmarket-bench-{args.docs}.db")
    build = build_index(index, args.docs, args.seed, args.reuse)
    if build.seconds:
        print(f"  built in {build.seconds:,.0f} s ({build.docs_per_second:,.0f} docs/s)", file=sys.stderr)
    backend = EmbeddedBackend(str(index))
    all_classes = query_classes(collect_terms(load_demo()), args.language)
    classes = all_classes
    names = {c.name for c in classes}
    if args.classes:
        wanted = args.classes.split(",")
        unknown = set(wanted) - names
        if unknown:
            sys.exit(f"unknown classes {sorted(unknown)}; known: {sorted(names)}")
        classes = [c for c in classes if c.name in wanted]
    warm_up_s = warm_up(backend, classes, args.seed)
    load_before = os.getloadavg()[0]
    timings = []
    for query_class in classes:
        print(f"  timing {query_class.name:<12}", end=" ", file=sys.stderr, flush=True)
        timings.append(measure(backend, query_class, args.seed, args.repeat, args.budget))
        s = timings[-1].summary()
        print(f"n={s['count']} p50={s['p50_ms']} ms p99={s['p99_ms']} ms", file=sys.stderr, flush=True)
    env = environment() | {"load_before": load_before, "load_after": os.getloadavg()[0]}
    print_report(env, build, timings, target_for(build.documents), warm_up_s)
    if args.json:
        report = {
            "environment": env,
            "corpus": {"documents": build.documents, "seed": args.seed, "types": build.types},
            "build": {"seconds": build.seconds and round(build.seconds, 1),
                      "docs_per_second": build.docs_per_second and round(build.docs_per_second),
                      "index_bytes": build.index_bytes, "wal_bytes": build.wal_bytes,
                      "peak_rss_mb_after_build": round(build.peak_rss_mb)},
            "warm_up_seconds": round(warm_up_s, 2),
            "peak_rss_mb": round(peak_rss_mb()),
            "target_p99_ms": target_for(build.documents),
            "repeat": args.repeat,
            "language": args.language,
            "classes": {t.name: t.summary() for t in timings},
        }
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.profile:
        chosen = [c for c in all_classes if c.name == args.profile]
        if not chosen:
            sys.exit(f"unknown class {args.profile}; known: {sorted(names)}")
        profile(backend, chosen[0], args.seed, args.repeat, args.profile_out)
    backend.close()


if __name__ == "__main__":
    main()
