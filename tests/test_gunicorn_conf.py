"""gunicorn.conf.py: settings from the environment, safe defaults."""

import runpy

from tests.production import ROOT

CONF = str(ROOT / "gunicorn.conf.py")


def load(monkeypatch, **environ) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONF)


def test_binds_to_loopback_by_default(monkeypatch):
    assert load(monkeypatch)["bind"] == ["127.0.0.1:8000"]


def test_bind_comes_from_the_environment(monkeypatch):
    assert load(monkeypatch, GUNICORN_BIND="0.0.0.0:8000")["bind"] == ["0.0.0.0:8000"]


def test_workers_follow_the_cpus_unless_set(monkeypatch):
    assert load(monkeypatch)["workers"] >= 3
    assert load(monkeypatch, GUNICORN_WORKERS="4")["workers"] == 4


def test_workers_restart_after_a_jittered_number_of_requests(monkeypatch):
    conf = load(monkeypatch)
    assert conf["max_requests"] > 0
    assert 0 < conf["max_requests_jitter"] < conf["max_requests"]


def test_app_is_not_preloaded(monkeypatch):
    assert load(monkeypatch)["preload_app"] is False


def test_requests_time_out_and_are_logged(monkeypatch):
    conf = load(monkeypatch)
    assert conf["timeout"] == 30
    assert conf["accesslog"] == "-"


def test_workers_have_threads_so_a_download_never_holds_up_pages(monkeypatch):
    # gthread: more threads than the downloads one process streams at once.
    from disclosures.exports import DOWNLOADS_PER_PROCESS

    assert load(monkeypatch)["threads"] > DOWNLOADS_PER_PROCESS.requests
