"""An import bundle of N records recombined from the demo data, for benchmarks that load through the import
code path (`qmarket import`), as an alliance loading its members would.

Shape: 5 % organisations, 70 % listings, 25 % jobs, all of the real taxonomy; about one record in five keeps
both languages, the others only one (mostly Chinese for Chinese members); names get made-up pinyin brands so
that the vocabulary grows with the corpus. Deterministic for a given (N, seed).

    .venv/bin/python bench/bundle.py 10000 /tmp/bundle-10k.json
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "seed" / "demo"
SHARES = {"organizations": 0.05, "listings": 0.70, "jobs": 0.25}
BILINGUAL_SHARE = 0.2
SYLLABLES = ("an bai bei bo chang chen cheng da dong feng fu guang hai han hao heng hong hua hui jia jian jin jing "
             "kai ke lan li long lu ming nan ning peng qi qian rui sheng shi tai tian wei xin xing yan yang yi yu "
             "yuan ze zhi zhong").split()
ORG_FIELDS = ("name", "name_zh", "org_type", "membership", "country", "province", "city", "website", "domains",
              "description", "description_zh", "offers", "needs", "founded_year", "size_band")
LISTING_FIELDS = ("kind", "category", "title", "title_zh", "summary", "summary_zh", "description", "description_zh",
                  "tags", "trl")
JOB_FIELDS = ("title", "title_zh", "function", "employment_type", "workplace", "country", "city", "province",
              "description", "description_zh", "requirements", "requirements_zh", "apply_url", "apply_email", "salary_min",
              "salary_max", "salary_currency", "salary_period")


def _read(name: str) -> list[dict]:
    return yaml.safe_load((DEMO / name).read_text(encoding="utf-8")) or []


def _one_language(record: dict, fields: tuple[str, ...], rng: random.Random, chinese_first: bool) -> dict:
    """Most records are written in one language: drop the other one's fields (never the required title)."""
    if rng.random() < BILINGUAL_SHARE:
        return record
    drop_chinese = not chinese_first if rng.random() < 0.8 else chinese_first
    for field in fields:
        if drop_chinese and field.endswith("_zh"):
            record.pop(field, None)
        elif not drop_chinese and f"{field}_zh" in fields and field not in ("title", "name") and record.get(f"{field}_zh"):
            record.pop(field, None)
    return record


def _records(templates: list[dict], count: int, fields: tuple[str, ...], prefix: str, org_slugs: list[str],
             rng: random.Random) -> list[dict]:
    """`count` listings or jobs cycling through the demo's, each of a random member, with numbered titles."""
    records = []
    for n in range(count):
        template = templates[n % len(templates)]
        record = {field: template[field] for field in fields if template.get(field) not in (None, [], "")}
        record.update(org=rng.choice(org_slugs), slug=f"{prefix}-{n}", title=f"{template['title']} {n}")
        if record.get("title_zh"):
            record["title_zh"] = f"{template['title_zh']} {n}"
        records.append(_one_language(record, fields, rng, True))
    return records


def make_bundle(size: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    orgs, listings, jobs = _read("organizations.yaml"), _read("listings-hardware.yaml") + _read("listings-solutions.yaml"), _read("jobs.yaml")
    counts = {name: max(1, round(size * share)) for name, share in SHARES.items()}
    bundle: dict[str, list[dict]] = {"organizations": [], "listings": [], "jobs": []}
    for n in range(counts["organizations"]):
        template = orgs[n % len(orgs)]
        brand = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()
        tail = " ".join(template["name"].split()[1:]) or "Quantum"
        org = {field: template[field] for field in ORG_FIELDS if template.get(field) not in (None, [], "")}
        org["slug"] = f"{brand.lower()}-{n}"
        org["name"] = f"{brand} {tail}"
        if org.get("name_zh"):
            org["name_zh"] = org["name_zh"][:2] + org["name_zh"][2:] + f"{n}"
        org["website"] = f"https://{org['slug']}.example"
        bundle["organizations"].append(_one_language(org, ORG_FIELDS, rng, org.get("country") == "CN"))
    org_slugs = [o["slug"] for o in bundle["organizations"]]
    bundle["listings"] = _records(listings, counts["listings"], LISTING_FIELDS, "listing", org_slugs, rng)
    bundle["jobs"] = _records(jobs, counts["jobs"], JOB_FIELDS, "job", org_slugs, rng)
    return bundle


if __name__ == "__main__":
    size, path = int(sys.argv[1]), Path(sys.argv[2])
    path.write_text(json.dumps(make_bundle(size), ensure_ascii=False), encoding="utf-8")
    print(f"{path}: {size} records")
