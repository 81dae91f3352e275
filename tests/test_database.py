import pytest
from django.db import connection

from foilog.database import parse_database_url


def test_database_url_with_host_and_options():
    config = parse_database_url("postgres://foi:s%40cret@db.internal:6432/foilog?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("foi", "s@cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", "6432", "foilog")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_database_url_with_a_socket_directory():
    config = parse_database_url("postgresql://postgres:@/foilog?host=/var/run/postgresql")
    assert config["HOST"] == "/var/run/postgresql"
    assert config["NAME"] == "foilog"


def test_other_databases_are_refused():
    with pytest.raises(ValueError, match="postgres"):
        parse_database_url("sqlite:///db.sqlite3")


@pytest.mark.django_db
def test_tests_run_on_a_fresh_postgresql_test_database():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"].startswith("test_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        assert {"pg_trgm", "unaccent"} <= {row[0] for row in cursor.fetchall()}
