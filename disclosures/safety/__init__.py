"""Pre-publication safety checks for documents released under FOI.

In 2023 a police force answered an FOI request with a spreadsheet whose hidden tab named every
officer. Nothing here stops a publisher from publishing; it lists what a careful FOI officer
should look at first: hidden sheets, rows and columns, comments, tracked changes, "redactions"
that only draw a box over text, author metadata, embedded files, and personal data in the text.

Public API:

- ``Finding``: one hazard, with a stable machine id, a plain-English message and a location.
- ``detect_type(data, name)``: what kind of document the bytes are, judged by content.
- ``check_document(data, name)``: every hazard in one document; never raises.
- ``check_text(text, where)``: personal data in free text (a disclosure's own wording).
- ``extract_text(data, name)``: plain text of a document, for full-text search.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.etree import ElementTree as ET

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as defused_tree

__all__ = [
    "ACCEPTED_TYPES",
    "Finding",
    "check_document",
    "check_text",
    "detect_type",
    "extract_text",
]

#: The document types a disclosure may carry, as returned by ``detect_type``.
ACCEPTED_TYPES = ("pdf", "xlsx", "xls", "ods", "docx", "odt", "csv", "txt")

#: Search text is capped so that one enormous upload cannot bloat the search index.
MAX_TEXT_CHARS = 1_000_000

# Limits on what we are willing to unpack from a zip-based document. A "zip bomb" of a few
# kilobytes can expand to gigabytes; openpyxl and our own XML parsing would then exhaust memory.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.text": "odt",
}
# Markup that decodes as text but is not a document we publish (a saved web page, an SVG, an
# XML export). RTF is also text-like but is a word-processing format we do not accept.
_MARKUP_START = re.compile(
    r"\A\s*(?:<!doctype\s+html|<html|<head|<body|<\?xml|<svg|<script|\{\\rtf)", re.IGNORECASE
)
_MARKUP_ANYWHERE = re.compile(r"<(?:html|body|script|iframe)[\s>]", re.IGNORECASE)
# C0 control characters other than tab, newline, vertical tab, form feed and carriage return
# (and DEL) do not occur in real text files; their presence means binary data.
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Finding:
    """One hazard found in a document or in a disclosure's text.

    ``check`` is a stable machine id (e.g. ``"hidden-sheet"``) that code and templates may rely
    on; ``message`` is plain English for an FOI officer; ``location`` says where in the file
    (``"sheet 'Staff', row 4"``, ``"page 2"``, ``"comments.xml"``) or is ``""`` for the whole file.
    """

    check: str
    message: str
    location: str = ""


class UnsafeDocumentError(ValueError):
    """Raised inside the package when a document is too large or malformed to unpack safely."""


# ---------------------------------------------------------------------------------------------
# Type detection
# ---------------------------------------------------------------------------------------------


def detect_type(data: bytes, name: str = "") -> str | None:
    """Work out a document's type from its bytes, not its file name.

    Returns one of ``"pdf"``, ``"xlsx"``, ``"xls"``, ``"ods"``, ``"docx"``, ``"odt"``, ``"csv"``,
    ``"txt"``, or ``None`` when the bytes are not an accepted type (an executable, an image, a
    web page, an empty file, a zip that is not an Office Open XML or OpenDocument file). The
    name is used only to tell CSV from plain text. Never raises.
    """
    if not data:
        return None
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return _detect_zip_type(data)
    if data.startswith(_OLE2_MAGIC):
        return _detect_ole2_type(data)
    text = decode_text(data)
    if text is None:
        return None
    if _MARKUP_START.match(text) or _MARKUP_ANYWHERE.search(text[:4096]):
        return None
    if name.lower().endswith(".csv") or _sniffs_as_csv(text):
        return "csv"
    return "txt"


def _detect_zip_type(data: bytes) -> str | None:
    """Return "xlsx", "docx", "ods", "odt" or None for a zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" in names:
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "word/document.xml" in names:
                    return "docx"
                return None
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
                return _ODF_MIMETYPES.get(mimetype)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    return None


def _detect_ole2_type(data: bytes) -> str | None:
    """Return "xls" for an OLE2 compound file holding a workbook, else None.

    Word 97 .doc files and Outlook .msg files share the OLE2 container, so we look in its
    directory for the "Workbook" (BIFF8) or "Book" (BIFF5) stream. If the directory cannot be
    read at all we still answer "xls", so that the damaged file is reported as unreadable rather
    than silently treated as an unknown type.
    """
    try:
        from xlrd import compdoc

        doc = compdoc.CompDoc(data, logfile=io.StringIO())
        stream_names = {entry.name for entry in doc.dirlist}
    except Exception:  # xlrd raises a mixture of its own and struct/index errors.
        return "xls"
    if stream_names & {"Workbook", "Book"}:
        return "xls"
    return None


def decode_text(data: bytes) -> str | None:
    """Decode bytes that should be a text file.

    Returns the text (UTF-8, with or without a byte-order mark, else Windows-1252, which is what
    Excel's "CSV" and Notepad produce on UK Windows machines), or None when the bytes contain
    NUL or other binary control characters or decode as neither.
    """
    if b"\x00" in data:
        return None
    text: str | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or _BINARY_CHARS.search(text):
        return None
    return text


def _sniffs_as_csv(text: str) -> bool:
    """True when the text looks like a table of more than one column.

    csv.Sniffer alone will call almost any prose with a comma "CSV", so we also insist that the
    first rows (at least two of them) all split into the same number of columns, more than one.
    """
    sample = text[:16384]
    lines = [line for line in sample.splitlines() if line.strip()]
    if len(text) > len(sample) and lines:
        lines = lines[:-1]  # the sample may have cut its last line short
    if len(lines) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=",;\t|")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines[:50], dialect)}
    return len(widths) == 1 and widths.pop() > 1


# ---------------------------------------------------------------------------------------------
# Checking and text extraction
# ---------------------------------------------------------------------------------------------


def _module_for(kind: str) -> Any:
    """Return the module that handles a document kind (imported lazily: pypdf etc. are heavy)."""
    if kind in ("xlsx", "xls", "ods"):
        from . import spreadsheets

        return spreadsheets
    if kind in ("docx", "odt"):
        from . import wordprocessing

        return wordprocessing
    if kind == "pdf":
        from . import pdf

        return pdf
    return None


def check_document(data: bytes, name: str = "") -> list[Finding]:
    """Check one document for hazards before it is published.

    Returns the findings (an empty list means nothing was found). An unaccepted type gives a
    single ``"unsupported-type"`` finding; a damaged, encrypted or oversized file gives an
    ``"unreadable"`` finding. Never raises for bad input.
    """
    kind = detect_type(data, name)
    if kind is None:
        if not data:
            message = "The file is empty."
        else:
            message = (
                "This is not a document type we publish (PDF, Excel, OpenDocument, Word, CSV "
                "or plain text), judged by its content rather than its name."
            )
        return [Finding("unsupported-type", message, "")]

    findings: list[Finding] = []
    module = _module_for(kind)
    if module is not None:
        try:
            findings.extend(module.find_hazards(data))
        except Exception as exc:  # a damaged file must never break publishing
            return [_unreadable(kind, exc)]
    from .text import find_personal_data

    try:
        for where, text, unit in text_segments(data, name, kind=kind):
            findings.extend(find_personal_data(text, where, unit=unit))
    except Exception as exc:
        findings.append(_unreadable(kind, exc))
    return findings


def _unreadable(kind: str, exc: Exception) -> Finding:
    """Build the finding for a file we could not open, explaining the reason where we can."""
    if isinstance(exc, UnsafeDocumentError):
        reason = str(exc)
    elif "encrypt" in str(exc).lower() or "password" in str(exc).lower():
        reason = "it is encrypted or password-protected"
    else:
        reason = "it appears to be damaged or not really a file of this type"
    return Finding(
        "unreadable",
        f"This {kind.upper()} file could not be checked because {reason}. Open it, re-save it "
        "and upload it again, or check it by hand before publishing.",
        "",
    )


def check_text(text: str, where: str = "") -> list[Finding]:
    """Look for personal data (emails, UK phone numbers, NI numbers, home addresses, dates of
    birth, vehicle registrations) in free text such as a disclosure's summary or response.

    Returns one finding per match, located by line number (prefixed by ``where`` if given).
    """
    from .text import find_personal_data

    return find_personal_data(text, where)


def text_segments(
    data: bytes, name: str = "", kind: str | None = None
) -> list[tuple[str, str, str]]:
    """Split a document's text into located pieces for the personal-data checks.

    Returns ``(where, text, unit)`` tuples: e.g. ``("sheet 'Staff'", text, "row")`` where line N
    of the text is row N of the sheet, or ``("page 2", text, "line")``. Raises whatever the
    underlying reader raises for a damaged file.
    """
    kind = kind or detect_type(data, name)
    if kind in ("csv", "txt"):
        text = decode_text(data) or ""
        return [("", text, "row" if kind == "csv" else "line")]
    module = _module_for(kind or "")
    if module is None:
        return []
    return module.text_segments(data)


def extract_text(data: bytes, name: str = "") -> str:
    """Return the plain text of a document for full-text search.

    Handles PDF, DOCX, XLSX, XLS, ODT, ODS, CSV and TXT. The result is capped at
    ``MAX_TEXT_CHARS`` characters. Returns ``""`` for an unaccepted type or a file that cannot
    be read; never raises.
    """
    kind = detect_type(data, name)
    if kind is None:
        return ""
    try:
        if kind in ("csv", "txt"):
            text = decode_text(data) or ""
        else:
            module = _module_for(kind)
            text = module.extract_text(data) if module is not None else ""
    except Exception:  # search text is best effort; an unreadable file has none
        return ""
    return text[:MAX_TEXT_CHARS]


# ---------------------------------------------------------------------------------------------
# Helpers shared by the per-format modules
# ---------------------------------------------------------------------------------------------


def open_zip(data: bytes | BinaryIO) -> zipfile.ZipFile:
    """Open a zip-based document, its bytes or a file open for reading them, after
    checking it will not expand to an unsafe size.

    Returns the open ZipFile. Raises UnsafeDocumentError for a "zip bomb" and
    zipfile.BadZipFile for a damaged archive.
    """
    zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_UNZIPPED_BYTES:
            raise UnsafeDocumentError("it expands to more data than we can safely check")
        # Real documents compress well, but not a two-hundredfold once they are large; a
        # member that does is a zip bomb.
        ratio = info.file_size / info.compress_size if info.compress_size else 0
        if ratio > MAX_COMPRESSION_RATIO and info.file_size > 10 * 1024 * 1024:
            raise UnsafeDocumentError("it is compressed in a way typical of a 'zip bomb'")
    return zf


def parse_xml(raw: bytes) -> ET.Element:
    """Parse one XML part of an Office Open XML or OpenDocument file.

    Returns the root element. Raises UnsafeDocumentError if the part declares a DTD or an
    entity: neither format ever needs one, and entities are how "billion laughs" and
    external-entity attacks work. defusedxml refuses them as the parser meets them, in
    whatever encoding the part is written (a search of the raw bytes misses UTF-16).
    Raises ET.ParseError for malformed XML.
    """
    try:
        return defused_tree.fromstring(raw, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise UnsafeDocumentError(
            "one of its parts contains an XML document type declaration"
        ) from exc


def read_xml(zf: zipfile.ZipFile, member: str) -> ET.Element | None:
    """Return the parsed root of a zip member, or None when the member does not exist."""
    try:
        raw = zf.read(member)
    except KeyError:
        return None
    return parse_xml(raw)


# Names that document-producing software writes when it knows no person: they identify nobody,
# and reporting them on every generated file would teach officers to ignore the warning.
_PLACEHOLDER_AUTHORS = {
    "",
    "openpyxl",
    "python-docx",
    "anonymous",
    "(anonymous)",
    "unspecified",
    "(unspecified)",
    "unknown",
    "author",
    "user",
    "microsoft office user",
    "apache poi",
}


def is_placeholder_author(value: str) -> bool:
    """True when an author field holds a software default rather than a person's name."""
    return value.strip().lower() in _PLACEHOLDER_AUTHORS


def author_findings(fields: list[tuple[str, str]], where: str) -> list[Finding]:
    """Report people named in document metadata.

    ``fields`` is a list of ``(label, value)`` pairs such as ``("author", "J Smith")``. Returns
    one ``"document-author"`` finding listing the distinct real names, or none.
    """
    seen: dict[str, list[str]] = {}
    for label, value in fields:
        value = " ".join((value or "").split())
        if is_placeholder_author(value):
            continue
        seen.setdefault(value, []).append(label)
    if not seen:
        return []
    described = "; ".join(f"{' and '.join(labels)}: '{value}'" for value, labels in seen.items())
    return [
        Finding(
            "document-author",
            f"The file's properties name who wrote or edited it ({described}). Remove them "
            "(File > Info > Inspect Document, or save a clean copy) unless the names are meant "
            "to be published.",
            where,
        )
    ]


def shorten(text: str, limit: int = 80) -> str:
    """Collapse whitespace and cut text to ``limit`` characters, marking any cut with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def excerpt(text: str, limit: int = 80) -> str:
    """Quote document text in a warning: personal data masked, whitespace collapsed, cut to
    ``limit`` characters. Returns the excerpt."""
    from .text import mask_personal_data

    return shorten(mask_personal_data(text), limit)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return e.g. "1 row" or "3 rows"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


_CORE_PROPERTIES_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
_ODF_META_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def ooxml_author_findings(zf: zipfile.ZipFile) -> list[Finding]:
    """Report the people named in an Office Open XML file's docProps/core.xml.

    Returns a ``"document-author"`` finding for dc:creator and cp:lastModifiedBy when they hold
    real names, else an empty list.
    """
    root = read_xml(zf, "docProps/core.xml")
    if root is None:
        return []
    fields = [
        ("author", root.findtext("dc:creator", "", _CORE_PROPERTIES_NS)),
        ("last modified by", root.findtext("cp:lastModifiedBy", "", _CORE_PROPERTIES_NS)),
    ]
    return author_findings(fields, "document properties (docProps/core.xml)")


def odf_author_findings(zf: zipfile.ZipFile) -> list[Finding]:
    """Report the people named in an OpenDocument file's meta.xml.

    Returns a ``"document-author"`` finding for meta:initial-creator and dc:creator when they
    hold real names, else an empty list.
    """
    root = read_xml(zf, "meta.xml")
    if root is None:
        return []
    meta = root.find("office:meta", _ODF_META_NS)
    if meta is None:
        return []
    fields = [
        ("author", meta.findtext("meta:initial-creator", "", _ODF_META_NS)),
        ("last modified by", meta.findtext("dc:creator", "", _ODF_META_NS)),
    ]
    return author_findings(fields, "document properties (meta.xml)")


def ooxml_package_extras(names: list[str], prefix: str) -> list[Finding]:
    """Report embedded files (OLE objects, packages) and VBA macros in an OOXML package.

    ``names`` are the zip's member names and ``prefix`` the main folder ("xl/" or "word/").
    Returns an ``"embedded-object"`` and/or a ``"macros"`` finding, or an empty list.
    """
    findings: list[Finding] = []
    embedded = sorted(n for n in names if n.startswith(f"{prefix}embeddings/"))
    if embedded:
        listed = ", ".join(n.rsplit("/", 1)[-1] for n in embedded[:12])
        findings.append(
            Finding(
                "embedded-object",
                f"The file contains {plural(len(embedded), 'embedded file')} ({listed}). An "
                "embedded document or workbook is published whole, including anything in it "
                "that is not visible; remove it or check it separately.",
                f"{prefix}embeddings/",
            )
        )
    macros = [n for n in names if n.lower().endswith("vbaproject.bin")]
    if macros:
        findings.append(
            Finding(
                "macros",
                "The file contains VBA macros. Macros can hold data and code; publish a copy "
                "saved without macros.",
                macros[0],
            )
        )
    return findings
