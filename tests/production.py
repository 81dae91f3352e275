"""foilog configured as docs/deploy.md configures it, run in a subprocess.

Settings are read once per process, so production settings are tested in a fresh Python
with the production environment, pointed at the tests' own PostgreSQL.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

# Variables of a developer's or CI's environment that must not leak into production's.
LOCAL_ONLY = ("DEBUG", "FOILOG_VAR_DIR", "DATABASE_REPLICA_URLS", "DB_POOL", "REDIS_URL")


def database_url(settings_dict: dict) -> str:
    """A ``postgres://`` URL for a Django ``DATABASES`` entry."""
    userinfo = quote(settings_dict["USER"], safe="")
    if settings_dict["PASSWORD"]:
        userinfo += ":" + quote(settings_dict["PASSWORD"], safe="")
    host, port = settings_dict["HOST"], settings_dict["PORT"]
    name = quote(settings_dict["NAME"], safe="")
    if host.startswith("/"):  # a socket directory
        return f"postgres://{userinfo}@/{name}?host={quote(host, safe='/')}"
    return f"postgres://{userinfo}@{host}:{port or 5432}/{name}"


def production_environ(settings_dict: dict, **overrides: str) -> dict[str, str]:
    """The environment file of docs/deploy.md, with the tests' database."""
    env = {key: value for key, value in os.environ.items() if key not in LOCAL_ONLY}
    env.update(
        DJANGO_SETTINGS_MODULE="foilog.settings",
        DATABASE_URL=database_url(settings_dict),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="foi.example.gov.uk",
        CSRF_TRUSTED_ORIGINS="https://foi.example.gov.uk",
        BEHIND_HTTPS_PROXY="true",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_PRELOAD="true",
        DEBUG="false",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


_PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.contrib import admin
names = json.loads(input())
values = {name: getattr(settings, name) for name in names}
admin.site.name  # the default site is lazy: make it
values["admin_site"] = type(admin.site._wrapped).__name__
print(json.dumps(values, default=repr))
"""


def settings_in(env: dict[str, str], *names: str) -> dict:
    """The named settings, as JSON (non-JSON values as their repr), in that environment,
    plus ``admin_site``: the class name of the default admin site."""
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        input=json.dumps(names),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])
