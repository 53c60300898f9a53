"""docker-compose.yml and the Dockerfile stay in step with the settings and the tree (no Docker here to run
them): every QM_ variable the compose file sets is a real setting, and every path the Dockerfile copies exists."""

import re
from pathlib import Path

import yaml

from app.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_compose_sets_only_real_settings_and_the_production_essentials():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["app"]["environment"]
    names = {name.removeprefix("QM_").lower() for name in environment if name.startswith("QM_")}
    assert names <= set(Settings.model_fields), names - set(Settings.model_fields)
    assert {"secret_key", "database_url", "search_backend", "meili_url", "meili_key", "meili_search_key", "https"} <= names
    assert environment["QM_SEARCH_BACKEND"] == "meilisearch" and environment["QM_ENVIRONMENT"] == "production"


def test_the_dockerfile_copies_paths_that_exist():
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if match := re.match(r"COPY (.+) \S+$", line):
            for source in match.group(1).split():
                assert (ROOT / source).exists(), source


def test_compose_runs_the_meilisearch_version_the_tests_run_against():
    from app.search.local_server import PINNED_VERSION

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    major_minor = ".".join(PINNED_VERSION.split(".")[:2])
    assert compose["services"]["search"]["image"] == f"getmeili/meilisearch:v{major_minor}"
    installer = (ROOT / "scripts" / "meilisearch.sh").read_text()
    assert f"VERSION={PINNED_VERSION}\n" in installer
    app_environment = compose["services"]["app"]["environment"]
    assert "QM_MEILI_SEARCH_KEY" in app_environment
    assert not any("MASTER" in name for name in app_environment)  # the app never holds the master key
