"""The embedded engine's vocabulary (terms for typo and prefix matching) is loaded once per process and
kept current by the process's own writes; only another process's write makes it reload. (It used to reload
whenever a different thread searched: PRAGMA data_version is per connection.)"""

import threading

import pytest

from app.search import embedded as embedded_module
from app.search.embedded import EmbeddedBackend
from app.search.schemas import SearchQuery
from tests.search.corpus import _listing


def doc(record_id: int, title: str) -> dict:
    return _listing(record_id, "beiyan", "hardware/cryogenics", title, "", "", "", [], 1)


@pytest.fixture
def loads(monkeypatch):
    counted = []
    original = embedded_module.expansion.Vocabulary

    def counting(*args, **kwargs):
        counted.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(embedded_module.expansion, "Vocabulary", counting)
    return counted


def test_searches_from_many_threads_load_the_vocabulary_once(tmp_path, loads):
    backend = EmbeddedBackend(str(tmp_path / "s.db"))
    backend.ensure_ready()
    backend.upsert([doc(1, "Dilution refrigerator")])
    threads = [threading.Thread(target=backend.search, args=(SearchQuery(q="refrigerater"),)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    backend.close()


def test_own_writes_keep_the_cache_current_without_a_reload(tmp_path, loads):
    backend = EmbeddedBackend(str(tmp_path / "s.db"))
    backend.ensure_ready()
    backend.upsert([doc(1, "Dilution refrigerator")])
    backend.search(SearchQuery(q="fridge"))
    backend.upsert([doc(2, "Superconducting nanowire detector")])
    hits = backend.search(SearchQuery(q="nanowirre")).hits  # a typo: found only through the vocabulary
    assert [h.id for h in hits] == [2] and len(loads) == 1
    backend.close()


def test_another_process_writing_makes_the_cache_reload(tmp_path, loads):
    path = str(tmp_path / "s.db")
    serving, other = EmbeddedBackend(path), EmbeddedBackend(path)  # `other` stands for the CLI's process
    serving.ensure_ready()
    serving.upsert([doc(1, "Dilution refrigerator")])
    serving.search(SearchQuery(q="fridge"))
    other.upsert([doc(3, "Cryogenic amplifier")])
    hits = serving.search(SearchQuery(q="amplifer")).hits
    assert [h.id for h in hits] == [3] and len(loads) == 2
    serving.close()
    other.close()


def test_writes_from_the_relay_thread_do_not_make_searching_threads_reload(tmp_path, loads):
    """The outbox relay writes from its own thread (its own connection): that is this process's write."""
    backend = EmbeddedBackend(str(tmp_path / "s.db"))
    backend.ensure_ready()
    backend.upsert([doc(1, "Dilution refrigerator")])
    backend.search(SearchQuery(q="fridge"))
    for record_id, title in ((2, "Superconducting nanowire detector"), (3, "Cryogenic amplifier")):
        relay = threading.Thread(target=backend.upsert, args=([doc(record_id, title)],))
        relay.start()
        relay.join()
        backend.search(SearchQuery(q="fridge"))
    assert [h.id for h in backend.search(SearchQuery(q="amplifer")).hits] == [3]
    assert len(loads) == 1
    backend.close()
