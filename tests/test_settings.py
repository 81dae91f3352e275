"""foilog/settings.py under a production environment, each in a fresh Python."""

import pytest
from django.db import connection

from foilog.database import pool_options
from tests.production import manage, production_environ, settings_in

# The subprocesses use the test database, which is only set up for tests that ask for it.
pytestmark = pytest.mark.django_db

NAMES = (
    "DEBUG",
    "DATABASES",
    "DATABASE_ROUTERS",
    "CACHES",
    "STORAGES",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
)


@pytest.fixture(scope="module")
def database(django_db_setup, django_db_blocker):
    """The test database's connection settings, for the subprocesses to use."""
    with django_db_blocker.unblock():
        return dict(connection.settings_dict)


@pytest.fixture(scope="module")
def production(database):
    return settings_in(production_environ(database), *NAMES)


@pytest.fixture(scope="module")
def scaled_out(database):
    """Every optional production feature switched on."""
    env = production_environ(
        database,
        DB_POOL="true",
        DB_POOL_MAX_SIZE="8",
        DATABASE_REPLICA_URLS="postgres://ro@replica-a/foilog,postgres://ro@replica-b/foilog",
        REDIS_URL="redis://cache.internal:6379/0",
        MEDIA_S3_BUCKET="foilog-documents",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.net",
        FOILOG_REQUIRE_2FA="true",
    )
    return settings_in(env, *NAMES)


def test_check_deploy_passes_with_no_warnings(database):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--database",
        "default",
        env=production_environ(database),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_secret_key_is_required_with_a_database_url(database):
    env = production_environ(database)
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DATABASE_URL is" in result.stderr


def test_production_is_not_in_debug(production):
    assert production["DEBUG"] is False


def test_production_cookies_are_secure(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True


def test_production_sends_hsts_for_a_year(production):
    assert production["SECURE_HSTS_SECONDS"] == 31536000


def test_production_keeps_connections_without_a_pool(production):
    default = production["DATABASES"]["default"]
    assert default["CONN_MAX_AGE"] == 60
    assert default["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in default["OPTIONS"]


def test_db_pool_puts_the_pool_in_the_options(scaled_out):
    default = scaled_out["DATABASES"]["default"]
    assert default["OPTIONS"]["pool"]["max_size"] == 8
    assert default["OPTIONS"]["pool"]["min_size"] == 2


def test_pooled_connections_are_checked_before_use(scaled_out):
    # Django gives the pool psycopg's connection check when health checks are on.
    assert scaled_out["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_db_pool_turns_off_persistent_connections(scaled_out):
    # Django refuses a pool together with CONN_MAX_AGE.
    assert scaled_out["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_pooled_connections_reach_the_database(database):
    env = production_environ(database, DB_POOL="true")
    result = manage("shell", "-c", _QUERY_THROUGH_THE_POOL, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("pooled 1")


_QUERY_THROUGH_THE_POOL = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
    print("pooled" if connection.pool else "unpooled", cursor.fetchone()[0])
"""


def test_pool_options_are_none_without_db_pool():
    assert pool_options({}) is None
    assert pool_options({"DB_POOL": "false"}) is None


def test_replica_urls_add_replica_aliases(scaled_out):
    databases = scaled_out["DATABASES"]
    assert [alias for alias in databases if alias != "default"] == ["replica1", "replica2"]
    assert databases["replica2"]["HOST"] == "replica-b"


def test_every_connection_gets_enough_memory_to_count_a_large_search(scaled_out):
    for alias in ("default", "replica1", "replica2"):
        assert scaled_out["DATABASES"][alias]["OPTIONS"]["options"] == "-c work_mem=64MB"


def test_the_test_database_connection_has_that_memory(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "64MB"


def test_replica_urls_switch_on_the_router(scaled_out, production):
    assert scaled_out["DATABASE_ROUTERS"] == ["foilog.routers.ReplicaRouter"]
    assert production["DATABASE_ROUTERS"] == []


def test_redis_url_selects_the_shared_redis_cache(scaled_out):
    cache = scaled_out["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/0"


def test_without_redis_each_process_has_its_own_cache(production):
    backend = production["CACHES"]["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_media_s3_bucket_stores_documents_in_object_storage(scaled_out):
    storage = scaled_out["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "foilog-documents"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.net"
    assert storage["OPTIONS"]["querystring_auth"] is True


def test_documents_are_on_local_disk_by_default(production):
    backend = production["STORAGES"]["default"]["BACKEND"]
    assert backend == "django.core.files.storage.FileSystemStorage"


def test_require_2fa_serves_the_otp_admin_site(scaled_out):
    assert scaled_out["admin_site"] == "OTPAdminSite"


def test_admin_site_is_the_plain_one_by_default(production):
    assert production["admin_site"] == "AdminSite"
