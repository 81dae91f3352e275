"""Keeping an uploaded log between the admin's check of it and its import.

The upload waits in the default storage under a random name: a second upload could be a
different file, so the rows imported are exactly the rows checked.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

# Uploads to the admin are read whole while a person waits for the page: larger logs are
# imported with ``manage.py import_log``, which has no limit.
MAX_UPLOAD_SIZE = 20 * 1024 * 1024

UPLOAD_PREFIX = "imports/"
_UPLOAD_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
# Uploads never confirmed are removed the next time someone uploads a log.
UPLOAD_LIFETIME = dt.timedelta(days=1)


def keep_upload(data: bytes) -> str:
    """Store an uploaded log under a random, unguessable name; return its token."""
    discard_stale_uploads()
    token = secrets.token_urlsafe(24)
    default_storage.save(UPLOAD_PREFIX + token, ContentFile(data))
    return token


def kept_upload(token: str) -> bytes:
    """The bytes kept under ``token``. Raises ``FileNotFoundError`` if there are none."""
    if not _UPLOAD_TOKEN.fullmatch(token) or not default_storage.exists(UPLOAD_PREFIX + token):
        raise FileNotFoundError(token)
    with default_storage.open(UPLOAD_PREFIX + token, "rb") as file:
        return file.read()


def discard_upload(token: str) -> None:
    if _UPLOAD_TOKEN.fullmatch(token):
        default_storage.delete(UPLOAD_PREFIX + token)


def discard_stale_uploads() -> None:
    """Delete kept uploads older than ``UPLOAD_LIFETIME`` (best effort)."""
    try:
        _, names = default_storage.listdir(UPLOAD_PREFIX)
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - UPLOAD_LIFETIME
    for name in names:
        if not _UPLOAD_TOKEN.fullmatch(name):
            continue
        try:
            if default_storage.get_modified_time(UPLOAD_PREFIX + name) < cutoff:
                default_storage.delete(UPLOAD_PREFIX + name)
        except (FileNotFoundError, NotImplementedError):
            continue
