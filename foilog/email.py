"""How the log sends email, from one URL: ``EMAIL_URL``.

``smtp://user:password@mail.example.gov.uk:587?tls=true`` (STARTTLS),
``smtps://user:password@mail.example.gov.uk`` (TLS from the start, port 465),
``smtp://localhost`` (a local mail server, port 25), ``console://`` (printed, for the
demo), ``file:///var/tmp/foilog-mail`` (one file a message) and ``memory://`` (kept in
memory, for tests). A user name or password holding ``@``, ``:`` or ``/`` is written
percent-encoded (``%40``).

A parser of our own, like ``DATABASE_URL``'s: some forty lines, tested, and the one small
package that does it would be another dependency to keep current.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}
# Seconds to wait for the mail server; Django's default is to wait for ever, which would
# hold up the background worker behind one mail server that stopped answering.
DEFAULT_TIMEOUT = 10
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _flag(options: dict[str, str], name: str) -> bool:
    value = options.get(name, "false").lower()
    if value not in _TRUE + _FALSE:
        raise ValueError(f"EMAIL_URL's {name} must be true or false, not {value!r}")
    return value in _TRUE


def parse_email_url(url: str) -> dict[str, object]:
    """Django's ``EMAIL_*`` settings for ``url``.

    Raises ValueError, naming what is wrong but never the password, for an unknown
    scheme, an SMTP URL without a host, a bad port or timeout, or TLS and SSL at once.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ValueError(
            "EMAIL_URL must start with smtp://, smtps://, console://, file:// or memory://, "
            f"not {scheme + '://' if scheme else repr(url[:20])}"
        )
    settings: dict[str, object] = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        if not parts.path:
            raise ValueError("EMAIL_URL file:// needs a directory: file:///var/tmp/mail")
        settings["EMAIL_FILE_PATH"] = unquote(parts.path)
    if scheme not in ("smtp", "smtps"):
        return settings
    if not parts.hostname:
        raise ValueError("EMAIL_URL needs the mail server's host: smtp://mail.example.org")
    options = {key.lower(): value for key, value in parse_qsl(parts.query)}
    use_ssl = scheme == "smtps" or _flag(options, "ssl")
    use_tls = _flag(options, "tls")
    if use_ssl and use_tls:
        raise ValueError("EMAIL_URL may ask for tls (STARTTLS) or ssl (smtps://), not both")
    try:
        port = parts.port
        timeout = int(options.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as error:
        raise ValueError(f"EMAIL_URL has a bad port or timeout: {error}") from None
    if timeout <= 0:
        raise ValueError("EMAIL_URL's timeout must be a number of seconds above 0")
    return settings | {
        "EMAIL_HOST": unquote(parts.hostname),
        "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }
