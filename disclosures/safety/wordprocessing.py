"""Hazards in word-processing documents: .docx and .odt, read straight from the zip's XML.

python-docx shows a document as Word displays it "with all changes accepted", so it hides
exactly what matters here: tracked deletions (the text someone took out is still in the file),
comments, hidden text and the names of everyone who edited. We therefore read the XML parts.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from . import (
    Finding,
    detect_type,
    excerpt,
    odf_author_findings,
    ooxml_author_findings,
    ooxml_package_extras,
    open_zip,
    parse_xml,
    plural,
    read_xml,
    shorten,
)

__all__ = ["extract_text", "find_hazards", "text_segments"]

# How many comments to report one by one before summarising the rest.
_MAX_COMMENTS = 20

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _w(local: str) -> str:
    return f"{{{_W}}}{local}"


def find_hazards(data: bytes) -> list[Finding]:
    """Find hazards in a .docx or .odt file.

    Returns the findings. Raises ValueError if the bytes are neither, and whatever zipfile or
    the XML parser raises for a damaged file.
    """
    kind = detect_type(data)
    if kind == "docx":
        return _docx_hazards(data)
    if kind == "odt":
        return _odt_hazards(data)
    raise ValueError("not a word-processing document")


def text_segments(data: bytes) -> list[tuple[str, str, str]]:
    """Return ``(where, text, "paragraph")`` per part: line N of the text is paragraph N.

    The body comes first with ``where`` empty, then headers, footers and notes by part name.
    Deleted (tracked) text and comments are left out: they are reported as hazards already.
    """
    kind = detect_type(data)
    if kind == "docx":
        with open_zip(data) as zf:
            return [
                ("" if part == "word/document.xml" else _short(part), "\n".join(paras), "paragraph")
                for part, paras in _docx_paragraphs(zf)
            ]
    if kind == "odt":
        with open_zip(data) as zf:
            return [("", "\n".join(_odt_paragraphs(zf)), "paragraph")]
    raise ValueError("not a word-processing document")


def extract_text(data: bytes) -> str:
    """Return the document's text as a reader sees it: one line per paragraph, body first."""
    return "\n".join(text for _, text, _ in text_segments(data))


def _short(part: str) -> str:
    """ "word/header1.xml" -> "header1.xml": the names Word users know from the zip listing."""
    return part.rsplit("/", 1)[-1]


# =============================================================================================
# .docx
# =============================================================================================

_STORY_PARTS = re.compile(r"word/(?:document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_REMOVED = {_w("del"), _w("moveFrom")}
_FORMAT_CHANGES = {
    _w(n)
    for n in (
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblGridChange",
        "trPrChange",
        "tcPrChange",
        "numberingChange",
    )
}
_CHANGE_KINDS = {
    _w("ins"): "insertion",
    _w("del"): "deletion",
    _w("moveFrom"): "move (text moved away from here)",
    _w("moveTo"): "move (text moved to here)",
    _w("cellIns"): "insertion",
    _w("cellDel"): "deletion",
}


@dataclass
class _Visit:
    """One element met while walking a story part, with the context the checks need."""

    element: ET.Element
    paragraph: int  # 1-based number of the paragraph it is in (0 before the first)
    removed: bool  # inside a tracked deletion or move-away


def _walk(root: ET.Element) -> Iterator[_Visit]:
    """Walk a WordprocessingML part in document order.

    Counts paragraphs as it goes (the same numbering the text extraction uses) and skips
    mc:Fallback, which repeats the content of its mc:Choice for old versions of Word and would
    otherwise be counted twice.
    """
    counter = [0]

    def visit(element: ET.Element, paragraph: int, removed: bool) -> Iterator[_Visit]:
        for child in element:
            if child.tag == _MC_FALLBACK:
                continue
            child_paragraph = paragraph
            if child.tag == _w("p"):
                counter[0] += 1
                child_paragraph = counter[0]
            yield _Visit(child, child_paragraph, removed)
            yield from visit(child, child_paragraph, removed or child.tag in _REMOVED)

    yield from visit(root, 0, False)


def _docx_story_parts(zf: zipfile.ZipFile) -> list[str]:
    names = [n for n in zf.namelist() if _STORY_PARTS.match(n)]
    # The body first, then the rest in a stable, human order.
    return sorted(names, key=lambda n: (n != "word/document.xml", n))


def _docx_paragraphs(zf: zipfile.ZipFile) -> list[tuple[str, list[str]]]:
    """The visible text of each story part, one string per paragraph."""
    parts = []
    for part in _docx_story_parts(zf):
        root = parse_xml(zf.read(part))
        paragraphs: list[list[str]] = []
        for visit in _walk(root):
            tag = visit.element.tag
            while len(paragraphs) < visit.paragraph:
                paragraphs.append([])
            if visit.removed or visit.paragraph == 0:
                continue
            target = paragraphs[visit.paragraph - 1]
            if tag == _w("t"):
                target.append(visit.element.text or "")
            elif tag == _w("tab"):
                target.append("\t")
            elif tag in (_w("br"), _w("cr")):
                target.append(" ")
        parts.append((part, ["".join(p).replace("\n", " ") for p in paragraphs]))
    return parts


@dataclass
class _ChangeSummary:
    count: int = 0
    authors: list[str] = field(default_factory=list)
    first_paragraph: int = 0
    samples: list[str] = field(default_factory=list)

    def add(self, author: str, paragraph: int, text: str) -> None:
        self.count += 1
        if author and author not in self.authors:
            self.authors.append(author)
        if not self.first_paragraph:
            self.first_paragraph = paragraph
        if text.strip() and len(self.samples) < 3:
            self.samples.append(text)


def _text_of(element: ET.Element) -> str:
    return "".join(
        (node.text or "") for node in element.iter() if node.tag in (_w("t"), _w("delText"))
    )


def _vanish_on(rpr: ET.Element | None) -> bool:
    """True when run properties switch on w:vanish (Word's "Hidden" font effect)."""
    if rpr is None:
        return False
    vanish = rpr.find(_w("vanish"))
    return vanish is not None and vanish.get(_w("val"), "true") not in ("0", "false", "off")


def _hidden_styles(zf: zipfile.ZipFile) -> set[str]:
    """Ids of character and paragraph styles that hide their text."""
    root = read_xml(zf, "word/styles.xml")
    if root is None:
        return set()
    return {
        style.get(_w("styleId")) or ""
        for style in root.iter(_w("style"))
        if _vanish_on(style.find(_w("rPr")))
    }


def _docx_hazards(data: bytes) -> list[Finding]:
    findings: list[Finding] = []
    with open_zip(data) as zf:
        hidden_styles = _hidden_styles(zf)
        for part in _docx_story_parts(zf):
            findings.extend(
                _docx_part_hazards(_short(part), parse_xml(zf.read(part)), hidden_styles)
            )
        findings.extend(_docx_comment_findings(zf))
        names = zf.namelist()
        findings.extend(ooxml_package_extras(names, "word/"))
        findings.extend(ooxml_author_findings(zf))
    return findings


def _docx_part_hazards(part: str, root: ET.Element, hidden_styles: set[str]) -> list[Finding]:
    changes: dict[str, _ChangeSummary] = {}
    formatting = _ChangeSummary()
    hidden = _ChangeSummary()
    paragraph_style: dict[int, str] = {}
    for visit in _walk(root):
        element = visit.element
        tag = element.tag
        if tag == _w("pStyle"):
            paragraph_style[visit.paragraph] = element.get(_w("val")) or ""
        elif tag in _CHANGE_KINDS:
            kind = _CHANGE_KINDS[tag]
            summary = changes.setdefault(kind, _ChangeSummary())
            summary.add(element.get(_w("author")) or "", visit.paragraph, _text_of(element))
        elif tag in _FORMAT_CHANGES:
            formatting.add(element.get(_w("author")) or "", visit.paragraph, "")
        elif tag == _w("r") and not visit.removed:
            rpr = element.find(_w("rPr"))
            style = rpr.find(_w("rStyle")) if rpr is not None else None
            styled_hidden = (style is not None and style.get(_w("val")) in hidden_styles) or (
                paragraph_style.get(visit.paragraph) in hidden_styles
            )
            if _vanish_on(rpr) or styled_hidden:
                text = _text_of(element)
                if text.strip():
                    hidden.add("", visit.paragraph, text)

    findings: list[Finding] = []
    for kind, summary in changes.items():
        findings.append(_tracked_change_finding(part, kind, summary))
    if formatting.count:
        findings.append(
            _tracked_change_finding(part, "formatting change", formatting, formatting=True)
        )
    if hidden.count:
        samples = "; ".join(f"'{excerpt(s, 60)}'" for s in hidden.samples)
        findings.append(
            Finding(
                "hidden-text",
                f"{part} has {plural(hidden.count, 'piece')} of text formatted as hidden (it does "
                f"not show or print, but is in the file): {samples}. Turn on Show/Hide (¶) to see "
                "it, then delete it.",
                f"{part}, paragraph {hidden.first_paragraph}",
            )
        )
    return findings


def _tracked_change_finding(
    part: str, kind: str, summary: _ChangeSummary, formatting: bool = False
) -> Finding:
    who = ""
    if summary.authors:
        who = " by " + ", ".join(f"'{shorten(a, 40)}'" for a in summary.authors[:5])
    message = f"{part} has {plural(summary.count, 'tracked ' + kind)}{who}."
    if summary.samples and not formatting:
        samples = "; ".join(f"'{excerpt(s, 60)}'" for s in summary.samples)
        if "deletion" in kind or "away" in kind:
            message += f" Deleted text is still in the file, e.g. {samples}."
        else:
            message += f" For example: {samples}."
    message += (
        " Tracked changes, and the names of who made them, are published with the file: accept "
        "or reject all changes and turn off Track Changes before publishing."
    )
    location = f"{part}, paragraph {summary.first_paragraph}" if summary.first_paragraph else part
    return Finding("tracked-change", message, location)


def _docx_comment_findings(zf: zipfile.ZipFile) -> list[Finding]:
    findings: list[Finding] = []
    for part in ("word/comments.xml",):
        root = read_xml(zf, part)
        if root is None:
            continue
        comments = list(root.iter(_w("comment")))
        for comment in comments[:_MAX_COMMENTS]:
            findings.append(
                _comment_finding(_short(part), comment.get(_w("author")) or "", _text_of(comment))
            )
        if len(comments) > _MAX_COMMENTS:
            findings.append(
                Finding(
                    "comment",
                    f"… and {len(comments) - _MAX_COMMENTS} more comments.",
                    _short(part),
                )
            )
    return findings


def _comment_finding(location: str, author: str, text: str) -> Finding:
    by = f" by '{shorten(author, 40)}'" if author.strip() else ""
    return Finding(
        "comment",
        f"The document has a comment{by}: '{excerpt(text, 80)}'. Comments are published with the "
        "file; delete them (Review > Delete > Delete All Comments) before publishing.",
        location,
    )


# =============================================================================================
# .odt
# =============================================================================================

_ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


def _o(prefix: str, local: str) -> str:
    return f"{{{_ODF[prefix]}}}{local}"


_ODT_SKIP = {_o("text", "tracked-changes"), _o("office", "annotation")}
_ODT_PARAGRAPHS = {_o("text", "p"), _o("text", "h")}
# Embedded documents that are whole files in their own right. Charts are embedded objects too,
# but hold only the numbers they plot, so they are not reported.
_EMBEDDED_MEDIA = (
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.sun.star.oleobject",
)


def _odt_walk(root: ET.Element) -> Iterator[tuple[ET.Element, int]]:
    """Walk content.xml in order, yielding (element, paragraph number); the same numbering as
    the extracted text. Tracked-change records and comments are not part of the text flow."""
    counter = [0]

    def visit(element: ET.Element, paragraph: int) -> Iterator[tuple[ET.Element, int]]:
        for child in element:
            child_paragraph = paragraph
            if child.tag in _ODT_PARAGRAPHS:
                counter[0] += 1
                child_paragraph = counter[0]
            yield child, child_paragraph
            if child.tag not in _ODT_SKIP:
                yield from visit(child, child_paragraph)

    yield from visit(root, 0)


def _odt_text(element: ET.Element) -> str:
    """Text of an element, rendering spaces, tabs and line breaks, skipping comments."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag in _ODT_SKIP:
            pass
        elif child.tag == _o("text", "s"):
            parts.append(" " * int(child.get(_o("text", "c")) or 1))
        elif child.tag == _o("text", "tab"):
            parts.append("\t")
        elif child.tag == _o("text", "line-break"):
            parts.append(" ")
        elif child.tag not in _ODT_PARAGRAPHS:
            parts.append(_odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odt_paragraphs(zf: zipfile.ZipFile) -> list[str]:
    content = read_xml(zf, "content.xml")
    if content is None:
        raise ValueError("OpenDocument text without content.xml")
    body = content.find(f"{_o('office', 'body')}/{_o('office', 'text')}")
    if body is None:
        return []
    return [_odt_text(el) for el, _ in _odt_walk(body) if el.tag in _ODT_PARAGRAPHS]


def _odt_hidden_styles(zf: zipfile.ZipFile) -> set[str]:
    """Names of styles whose text properties say text:display="none" (hidden characters)."""
    hidden: set[str] = set()
    for part in ("content.xml", "styles.xml"):
        root = read_xml(zf, part)
        if root is None:
            continue
        for style in root.iter(_o("style", "style")):
            props = style.find(_o("style", "text-properties"))
            if props is not None and props.get(_o("text", "display")) == "none":
                hidden.add(style.get(_o("style", "name")) or "")
    return hidden


def _odt_hazards(data: bytes) -> list[Finding]:
    findings: list[Finding] = []
    with open_zip(data) as zf:
        content = read_xml(zf, "content.xml")
        if content is None:
            raise ValueError("OpenDocument text without content.xml")
        findings.extend(_odt_tracked_changes(content))

        hidden_styles = _odt_hidden_styles(zf)
        hidden = _ChangeSummary()
        comments: list[tuple[str, str, int]] = []
        body = content.find(f"{_o('office', 'body')}/{_o('office', 'text')}")
        for element, paragraph in _odt_walk(body if body is not None else content):
            tag = element.tag
            if tag == _o("office", "annotation"):
                author = element.findtext(_o("dc", "creator")) or ""
                text = " ".join(_odt_text(p) for p in element.iter(_o("text", "p")))
                comments.append((author, text, paragraph))
            elif tag in (_o("text", "hidden-text"), _o("text", "hidden-paragraph")):
                text = element.get(_o("text", "string-value")) or _odt_text(element)
                hidden.add("", paragraph, text or "(a conditionally hidden paragraph)")
            elif tag == _o("text", "section") and element.get(_o("text", "display")) in (
                "none",
                "condition",
            ):
                hidden.add("", paragraph, _odt_text(element) or "(a hidden section)")
            elif element.get(_o("text", "style-name")) in hidden_styles:
                text = _odt_text(element)
                if text.strip():
                    hidden.add("", paragraph, text)

        for author, text, paragraph in comments[:_MAX_COMMENTS]:
            findings.append(_comment_finding(f"content.xml, paragraph {paragraph}", author, text))
        if len(comments) > _MAX_COMMENTS:
            findings.append(
                Finding(
                    "comment",
                    f"… and {len(comments) - _MAX_COMMENTS} more comments.",
                    "content.xml",
                )
            )
        if hidden.count:
            samples = "; ".join(f"'{excerpt(s, 60)}'" for s in hidden.samples)
            findings.append(
                Finding(
                    "hidden-text",
                    f"The document has {plural(hidden.count, 'piece')} of hidden text (it does "
                    f"not show or print, but is in the file): {samples}. Show hidden text "
                    "(View > Formatting Marks / Hidden Paragraphs) and delete it.",
                    f"content.xml, paragraph {hidden.first_paragraph}",
                )
            )
        findings.extend(_odt_embedded(zf))
        findings.extend(odf_author_findings(zf))
    return findings


def _odt_tracked_changes(content: ET.Element) -> list[Finding]:
    changes: dict[str, _ChangeSummary] = {}
    kinds = {
        _o("text", "insertion"): "insertion",
        _o("text", "deletion"): "deletion",
        _o("text", "format-change"): "formatting change",
    }
    for region in content.iter(_o("text", "changed-region")):
        for change in region:
            kind = kinds.get(change.tag)
            if kind is None:
                continue
            info = change.find(_o("office", "change-info"))
            author = (info.findtext(_o("dc", "creator")) or "") if info is not None else ""
            text = ""
            if kind == "deletion":
                text = " ".join(
                    _odt_text(p)
                    for p in change
                    if p.tag in _ODT_PARAGRAPHS or p.tag.endswith("}list")
                )
            changes.setdefault(kind, _ChangeSummary()).add(author, 0, text)
    return [
        _tracked_change_finding(
            "content.xml", kind, summary, formatting=(kind == "formatting change")
        )
        for kind, summary in changes.items()
    ]


def _odt_embedded(zf: zipfile.ZipFile) -> list[Finding]:
    manifest = read_xml(zf, "META-INF/manifest.xml")
    if manifest is None:
        return []
    embedded = [
        entry.get(_o("manifest", "full-path")) or ""
        for entry in manifest.iter(_o("manifest", "file-entry"))
        if (entry.get(_o("manifest", "media-type")) or "").startswith(_EMBEDDED_MEDIA)
        and entry.get(_o("manifest", "full-path")) not in ("/", "")
    ]
    if not embedded:
        return []
    listed = ", ".join(e.rstrip("/") for e in embedded[:12])
    return [
        Finding(
            "embedded-object",
            f"The document contains {plural(len(embedded), 'embedded file')} ({listed}). An "
            "embedded document or spreadsheet is published whole, including anything in it that "
            "is not visible; remove it or check it separately.",
            "META-INF/manifest.xml",
        )
    ]
