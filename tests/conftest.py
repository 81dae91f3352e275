import pytest

from tests.factories import DisclosureFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Add ``replica1``, a test mirror of the default database, and ``lagging``, a
    database of its own that a test fills to play a replica lagging behind, for the
    replica router's tests (tests/test_routers.py). Nothing uses them unless a test asks
    for them (and only such a test pays for making ``lagging``); the router counts
    ``lagging`` among the replicas only when a test says so."""
    from django.conf import settings
    from django.db import connections

    default = connections.settings["default"]
    settings.DATABASES["replica1"] = {**default, "TEST": {**default["TEST"], "MIRROR": "default"}}
    settings.DATABASES["lagging"] = {
        **default,
        "TEST": {**default["TEST"], "NAME": "test_foilog_lagging_replica"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """``lagging`` starts each test empty, however the test rolls back: it holds only
    what a test puts there, never a copy of the primary's seed data."""
    from django.db import connections

    if hasattr(connections["lagging"], "_test_serialized_contents"):
        del connections["lagging"]._test_serialized_contents


@pytest.fixture(autouse=True)
def _no_kept_pages(settings):
    # Public pages are kept in the cache under their ETag (disclosures/freshness.py). A
    # kept page has no template context to inspect, so only tests/test_freshness.py
    # turns keeping on; and no test sees the pages of the one before.
    from django.core.cache import cache

    settings.FOILOG_PAGE_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The test client speaks plain HTTP; production redirects it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def run_worker(db, monkeypatch):
    """Run the background worker once, as ``manage.py run_worker --once``: queue what the
    schedule says is due and run every waiting task. The worker closes stale database
    connections between tasks, as a long-running process must; here that would close the
    test's own connection, inside its transaction."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("run_worker", "--once")


@pytest.fixture
def make_disclosure(db):
    return DisclosureFactory


@pytest.fixture
def unpublished(db):
    """One of each kind of entry the public must never see, all matching 'secret'."""
    return [
        DisclosureFactory(
            reference="DRAFT-1",
            title="Secret draft about drones",
            draft=True,
            keywords=["Covert drones"],
            exemptions=["s24-1"],
        ),
        DisclosureFactory(
            reference="SCHED-1",
            title="Secret scheduled drones",
            scheduled=True,
            keywords=["Covert drones"],
            exemptions=["s24-1"],
        ),
        DisclosureFactory(
            reference="WITHDRAWN-1",
            title="Secret withdrawn drones",
            withdrawn=True,
            keywords=["Covert drones"],
            exemptions=["s24-1"],
        ),
    ]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend sending to it: its
    ``Inbox`` holds what it accepted (``inbox.messages``)."""
    from tests.smtp import SMTPServer

    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.FOILOG_SITE_URL = "https://foi.example.gov.uk"
    with server as inbox:
        yield inbox
