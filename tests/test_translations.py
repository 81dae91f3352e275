"""The site is ready for translation: the Welsh catalogue exists for a translator."""

import re
from pathlib import Path

import pytest
from django.conf import settings

WELSH = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"


def msgids(text: str) -> set[str]:
    """The msgids of a PO file, multi-line ones joined (no gettext needed)."""
    found = set()
    for match in re.finditer(r'^msgid ((?:".*"\n)+)', text, re.M):
        parts = re.findall(r'"(.*)"', match.group(1))
        found.add("".join(parts).replace('\\"', '"'))
    return found


@pytest.fixture(scope="module")
def catalogue() -> str:
    return WELSH.read_text(encoding="utf-8")


def test_welsh_is_offered():
    assert "cy" in dict(settings.LANGUAGES)
    assert Path(settings.BASE_DIR) / "locale" in [Path(p) for p in settings.LOCALE_PATHS]


def test_welsh_catalogue_header_is_filled_in(catalogue):
    assert '"Language: cy\\n"' in catalogue
    assert "nplurals=6;" in catalogue
    assert "charset=UTF-8" in catalogue
    assert "#, fuzzy" not in catalogue.split("\n\n")[0]


@pytest.mark.parametrize(
    "message",
    [
        "Skip to main content",
        "Freedom of Information disclosure log",
        "All disclosures",
        "Statistics",
        "About this disclosure log",
        "Page not found",
        "Sorry, there is a problem with the service",
        "Filter disclosures",
        "Disclosures per year",
        "Exemptions cited most",
    ],
)
def test_welsh_catalogue_holds_key_messages(catalogue, message):
    assert message in msgids(catalogue)
