"""EMAIL_URL: how the log sends email (foilog/email.py)."""

from __future__ import annotations

import pytest

from foilog.email import parse_email_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_with_starttls_and_a_password_holding_an_at_sign():
    settings = parse_email_url("smtp://alerts%40foi.example:p%40ss:w@mail.example.org:587?tls=true")
    assert settings == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "alerts@foi.example",
        "EMAIL_HOST_PASSWORD": "p@ss:w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }


def test_smtps_is_tls_from_the_start_on_port_465():
    settings = parse_email_url("smtps://user:pw@mail.example.org")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )


def test_plain_smtp_defaults_to_port_25_and_a_timeout():
    settings = parse_email_url("smtp://localhost?timeout=3")
    assert (settings["EMAIL_PORT"], settings["EMAIL_TIMEOUT"]) == (25, 3)


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("memory://", "django.core.mail.backends.locmem.EmailBackend"),
    ],
)
def test_the_demo_and_test_backends(url, backend):
    assert parse_email_url(url) == {"EMAIL_BACKEND": backend}


def test_file_backend_takes_its_directory():
    assert parse_email_url("file:///var/tmp/mail")["EMAIL_FILE_PATH"] == "/var/tmp/mail"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://db/x",
        "mail.example.org",
        "smtp://",
        "smtp://mail.example.org:notaport",
        "smtp://mail.example.org?tls=perhaps",
        "smtp://mail.example.org?timeout=0",
        "smtps://mail.example.org?tls=true",
        "file://",
    ],
)
def test_bad_urls_are_refused_with_a_reason(url):
    with pytest.raises(ValueError, match="EMAIL_URL"):
        parse_email_url(url)


def test_the_password_is_never_in_the_error():
    with pytest.raises(ValueError) as error:
        parse_email_url("smtp://user:hunter2@mail.example.org:99999999")
    assert "hunter2" not in str(error.value)
