"""docker-compose.yml and the Dockerfile stay in step with the settings and the tree (no Docker here to run
them): every QM_ variable the compose file sets is a real setting, and every path the Dockerfile copies exists."""

import re
from pathlib import Path

import pytest
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


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_image_migrates_then_serves_several_workers_with_shared_metrics():
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert command.index("qmarket db upgrade") < command.index("qmarket serve")  # migrations before new code
    env = dict(re.findall(r"(QM_WORKERS|PROMETHEUS_MULTIPROC_DIR)=(\S+)", dockerfile))
    assert int(env["QM_WORKERS"]) >= 2 and env["PROMETHEUS_MULTIPROC_DIR"].startswith("/")
    app = _compose()["services"]["app"]
    assert app["environment"]["QM_WORKERS"].startswith("${QM_WORKERS:-")
    assert app["environment"]["QM_LOG_FORMAT"] == "json" and "QM_METRICS_TOKEN" in app["environment"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert set(_compose()["services"]) == {"db", "search", "app", "proxy"}
    assert set(_compose()["volumes"]) == {"db-data", "search-data", "uploads"}


def _docker_compose() -> bool:
    import shutil
    import subprocess

    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _docker_compose(), reason="docker compose is not installed (the YAML checks above still ran)")
def test_docker_compose_accepts_the_file():
    import os
    import subprocess

    env = {**os.environ, "QM_SECRET_KEY": "x" * 32, "MEILI_MASTER_KEY": "m" * 32, "QM_MEILI_KEY": "k",
           "QM_MEILI_SEARCH_KEY": "s"}
    result = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
