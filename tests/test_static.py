"""collectstatic writes what whitenoise serves in production: hashed and compressed files."""

import json

import pytest
from django.db import connection

from tests.production import manage, production_environ

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def collected(tmp_path_factory, django_db_setup, django_db_blocker):
    """STATIC_ROOT after one collectstatic into an empty folder."""
    root = tmp_path_factory.mktemp("staticfiles")
    with django_db_blocker.unblock():
        env = production_environ(dict(connection.settings_dict), STATIC_ROOT=str(root))
    result = manage("collectstatic", "--no-input", env=env)
    assert result.returncode == 0, result.stderr
    return root


def hashed_name(root, name: str) -> str:
    return json.loads((root / "staticfiles.json").read_text())["paths"][name]


def test_first_collectstatic_writes_the_manifest(collected):
    assert (collected / "staticfiles.json").exists()


def test_stylesheet_gets_a_content_hash_in_its_name(collected):
    name = hashed_name(collected, "css/foilog.css")
    assert name != "css/foilog.css"
    assert (collected / name).exists()


def test_stylesheet_is_precompressed_with_gzip_and_brotli(collected):
    name = hashed_name(collected, "css/foilog.css")
    assert (collected / f"{name}.gz").exists()
    assert (collected / f"{name}.br").exists()


def test_admin_scripts_are_hashed_and_compressed(collected):
    name = hashed_name(collected, "admin/js/core.js")
    assert (collected / f"{name}.gz").exists()
