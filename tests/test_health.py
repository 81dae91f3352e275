"""/healthz (foilog/health.py): for load balancers, over plain HTTP, telling nothing."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, sql, params=None):
        raise OperationalError('connection to server at "db.internal" (10.0.0.5) failed')

    monkeypatch.setattr(CursorWrapper, "execute", refuse)


def test_healthy_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_database_down_answers_503(client, database_down):
    assert client.get("/healthz").status_code == 503


def test_503_tells_nothing_about_the_database(client, database_down):
    body = client.get("/healthz").content
    assert body == b"unavailable\n"


def test_health_check_sets_no_cookies(client):
    assert not client.get("/healthz").cookies


def test_health_check_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_health_check_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_health_check_answers_head(client):
    assert client.head("/healthz").status_code == 200
