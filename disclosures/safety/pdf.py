"""Hazards in PDFs, read with pypdf.

The classic PDF failure in FOI is the "redaction" that only draws a black box over the text:
the page looks redacted, but the words are still in the file and anyone can select and copy
them. We find it by interpreting each page's content stream ourselves: we track where every
character is drawn and every filled rectangle painted, in drawing order, and report text that a
rectangle painted later covers. We also report annotations (sticky notes, unapplied
redaction marks, boxes drawn as annotations over text), author metadata, embedded files,
hidden layers and earlier versions kept by incremental saves.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import re
from dataclasses import dataclass, field, replace
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from . import (
    Finding,
    UnsafeDocumentError,
    author_findings,
    check_document,
    excerpt,
    plural,
    shorten,
)

__all__ = ["extract_text", "find_hazards", "text_segments"]

try:  # pypdf's tables of glyph names and core-font widths are internal; use them if present.
    from pypdf._codecs.adobe_glyphs import adobe_glyphs as _ADOBE_GLYPHS
except ImportError:  # pragma: no cover - depends on the pypdf version
    _ADOBE_GLYPHS = {}
try:
    from pypdf._codecs.core_font_metrics import CORE_FONT_METRICS as _CORE_FONT_METRICS
except ImportError:  # pragma: no cover - depends on the pypdf version
    _CORE_FONT_METRICS = {}

# Bounds on the work done for one page, so that a hostile or enormous PDF cannot stall the
# publishing form. A page past these limits is checked only as far as they go.
_MAX_OPERATIONS_PER_PAGE = 500_000
_MAX_GLYPHS_PER_PAGE = 200_000
_MAX_FORM_DEPTH = 12
# Rectangles thinner than this (in points) are rules, borders and underlines, never redactions.
_MIN_BOX_SIDE = 2.0
# How deep we follow PDFs embedded in PDFs (each is checked with check_document).
_MAX_EMBED_DEPTH = 2
_embed_depth: contextvars.ContextVar[int] = contextvars.ContextVar("pdf_embed_depth", default=0)

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def find_hazards(data: bytes) -> list[Finding]:
    """Find hazards in a PDF.

    Returns the findings. Raises UnsafeDocumentError for a password-protected PDF we cannot
    open, and pypdf's errors for a damaged one (``check_document`` reports both as
    "unreadable").
    """
    reader = _open(data)
    findings: list[Finding] = []
    findings.extend(_metadata_findings(reader))
    for number, page in enumerate(reader.pages, start=1):
        glyphs, boxes = _interpret_page(page, reader)
        findings.extend(_covered_text_findings(number, glyphs, boxes))
        findings.extend(_annotation_findings(number, page, glyphs))
    findings.extend(_embedded_file_findings(reader))
    findings.extend(_hidden_layer_findings(reader))
    findings.extend(_incremental_update_findings(data))
    return findings


def text_segments(data: bytes) -> list[tuple[str, str, str]]:
    """Return ``("page N", text, "line")`` for every page that has text."""
    reader = _open(data)
    segments = []
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        if text.strip():
            segments.append((f"page {number}", text, "line"))
    return segments


def extract_text(data: bytes) -> str:
    """Return the text of every page, pages separated by a blank line."""
    return "\n\n".join(text for _, text, _ in text_segments(data))


def _open(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        # Most "encrypted" PDFs only restrict printing or copying and open with an empty
        # password; those we can check. One that needs a password to open we cannot.
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # pypdf raises DependencyError when AES needs `cryptography`
            raise UnsafeDocumentError("it is encrypted in a way this server cannot open") from exc
        if not opened:
            raise UnsafeDocumentError("it is password-protected")
    return reader


# =============================================================================================
# Text under filled rectangles
# =============================================================================================


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n in PDF's row-vector convention (apply m first, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return x * a + y * c + e, x * b + y * d + f


@dataclass(frozen=True)
class _Glyph:
    """One character drawn on the page, in page (default user) space.

    ``low`` and ``high`` are two points in the middle of the glyph's advance, at 15% and 55% of
    the font size above the baseline: a box hides the character only if it covers both, which a
    strikethrough or an underline never does.
    """

    seq: int
    char: str
    low: tuple[float, float]
    high: tuple[float, float]


@dataclass(frozen=True)
class _Box:
    """A filled, opaque rectangle painted on the page, as (x0, y0, x1, y1) in page space."""

    seq: int
    x0: float
    y0: float
    x1: float
    y1: float

    def covers(self, point: tuple[float, float]) -> bool:
        x, y = point
        return self.x0 - 0.01 <= x <= self.x1 + 0.01 and self.y0 - 0.01 <= y <= self.y1 + 0.01


@dataclass
class _FontInfo:
    code_bytes: int  # 1 for simple fonts, 2 for composite (Type0) fonts
    to_unicode: dict[int, str]
    widths: dict[int, float]  # code -> advance in text space units per unit font size
    default_width: float
    fallback_encoding: dict[int, str]
    core_widths: dict[str, float]  # character -> width, for the 14 standard fonts

    def width(self, code: int, char: str) -> float:
        if code in self.widths:
            return self.widths[code]
        if char in self.core_widths:
            return self.core_widths[char]
        return self.default_width

    def decode(self, code: int) -> str:
        return self.to_unicode.get(code) or self.fallback_encoding.get(code) or "\ufffd"


@dataclass
class _GraphicsState:
    ctm: Matrix = _IDENTITY
    opaque_fill: bool = True
    font: _FontInfo | None = None
    font_size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    horizontal_scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0


@dataclass
class _PageInterpreter:
    """Walks one page's content stream (and the forms it draws) recording glyphs and boxes."""

    reader: PdfReader
    glyphs: list[_Glyph] = field(default_factory=list)
    boxes: list[_Box] = field(default_factory=list)
    seq: int = 0
    font_cache: dict[int, _FontInfo] = field(default_factory=dict)

    def run(
        self, content: Any, resources: DictionaryObject, gs: _GraphicsState, depth: int = 0
    ) -> None:
        if content is None or depth > _MAX_FORM_DEPTH:
            return
        stream = (
            content if isinstance(content, ContentStream) else ContentStream(content, self.reader)
        )
        stack: list[_GraphicsState] = []
        tm = tlm = _IDENTITY
        path: list[list[tuple[float, float]]] = []
        path_is_rect: list[bool] = []
        for operands, operator in stream.operations:
            self.seq += 1
            if self.seq > _MAX_OPERATIONS_PER_PAGE or len(self.glyphs) > _MAX_GLYPHS_PER_PAGE:
                return
            op = operator if isinstance(operator, bytes) else bytes(operator)
            try:
                nums = [float(x) for x in operands] if op in _NUMERIC_OPS else []
            except (TypeError, ValueError):
                continue
            # --- graphics state ---
            if op == b"q":
                stack.append(replace(gs))
            elif op == b"Q":
                if stack:
                    gs = stack.pop()
            elif op == b"cm" and len(nums) == 6:
                gs.ctm = _multiply(tuple(nums), gs.ctm)  # type: ignore[arg-type]
            elif op == b"gs" and operands:
                gs.opaque_fill = _ext_gstate_opaque(resources, operands[0], gs.opaque_fill)
            # --- paths ---
            elif op == b"re" and len(nums) == 4:
                x, y, w, h = nums
                corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                path.append([_apply(gs.ctm, px, py) for px, py in corners])
                path_is_rect.append(True)
            elif op == b"m" and len(nums) == 2:
                path.append([_apply(gs.ctm, *nums)])
                path_is_rect.append(True)  # until a curve proves otherwise
            elif op == b"l" and len(nums) == 2 and path:
                path[-1].append(_apply(gs.ctm, *nums))
            elif op in (b"c", b"v", b"y") and path:
                path[-1].append(_apply(gs.ctm, nums[-2], nums[-1]) if len(nums) >= 2 else (0, 0))
                path_is_rect[-1] = False
            elif op in _FILL_OPS:
                if gs.opaque_fill:
                    for points, straight in zip(path, path_is_rect, strict=False):
                        box = _as_box(points) if straight else None
                        if box is not None:
                            self.boxes.append(_Box(self.seq, *box))
                path, path_is_rect = [], []
            elif op in (b"n", b"S", b"s"):
                path, path_is_rect = [], []
            # --- text ---
            elif op == b"BT":
                tm = tlm = _IDENTITY
            elif op == b"Tf" and len(operands) >= 2:
                gs.font = self.font(resources, operands[0])
                gs.font_size = _number(operands[1], 0.0)
            elif op == b"Tc" and nums:
                gs.char_spacing = nums[0]
            elif op == b"Tw" and nums:
                gs.word_spacing = nums[0]
            elif op == b"Tz" and nums:
                gs.horizontal_scale = nums[0] / 100.0
            elif op == b"TL" and nums:
                gs.leading = nums[0]
            elif op == b"Ts" and nums:
                gs.rise = nums[0]
            elif op in (b"Td", b"TD") and len(nums) == 2:
                if op == b"TD":
                    gs.leading = -nums[1]
                tm = tlm = _multiply((1, 0, 0, 1, nums[0], nums[1]), tlm)
            elif op == b"Tm" and len(nums) == 6:
                tm = tlm = tuple(nums)  # type: ignore[assignment]
            elif op == b"T*":
                tm = tlm = _multiply((1, 0, 0, 1, 0, -gs.leading), tlm)
            elif op == b"Tj" and operands:
                tm = self.show(operands[0], gs, tm)
            elif op == b"'" and operands:
                tm = tlm = _multiply((1, 0, 0, 1, 0, -gs.leading), tlm)
                tm = self.show(operands[0], gs, tm)
            elif op == b'"' and len(operands) >= 3:
                gs.word_spacing = _number(operands[0], gs.word_spacing)
                gs.char_spacing = _number(operands[1], gs.char_spacing)
                tm = tlm = _multiply((1, 0, 0, 1, 0, -gs.leading), tlm)
                tm = self.show(operands[2], gs, tm)
            elif op == b"TJ" and operands and isinstance(operands[0], ArrayObject):
                for item in operands[0]:
                    if isinstance(item, (str, bytes)) and not isinstance(item, NameObject):
                        tm = self.show(item, gs, tm)
                    else:
                        shift = -_number(item, 0.0) / 1000.0 * gs.font_size * gs.horizontal_scale
                        tm = _multiply((1, 0, 0, 1, shift, 0), tm)
            # --- forms ---
            elif op == b"Do" and operands:
                self.draw_form(resources, operands[0], gs, depth)

    def show(self, string: Any, gs: _GraphicsState, tm: Matrix) -> Matrix:
        """Record the glyphs of one shown string; return the text matrix after it."""
        font = gs.font
        if font is None or not gs.font_size:
            return tm
        raw = _string_bytes(string)
        size, scale = gs.font_size, gs.horizontal_scale
        step = font.code_bytes
        for i in range(0, len(raw) - step + 1, step):
            code = int.from_bytes(raw[i : i + step], "big")
            char = font.decode(code)
            width = font.width(code, char)
            trm = _multiply((size * scale, 0, 0, size, 0, gs.rise), _multiply(tm, gs.ctm))
            self.glyphs.append(
                _Glyph(self.seq, char, _apply(trm, width / 2, 0.15), _apply(trm, width / 2, 0.55))
            )
            advance = width * size + gs.char_spacing
            if step == 1 and code == 32:
                advance += gs.word_spacing
            tm = _multiply((1, 0, 0, 1, advance * scale, 0), tm)
        return tm

    def font(self, resources: DictionaryObject, name: Any) -> _FontInfo | None:
        try:
            ref = resources["/Font"][name]
        except (KeyError, TypeError):
            return None
        key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
        if key not in self.font_cache:
            try:
                self.font_cache[key] = _font_info(ref.get_object())
            except Exception:  # a damaged font: fall back to plain single-byte text
                self.font_cache[key] = _FontInfo(1, {}, {}, 0.5, _cp1252_map(), {})
        return self.font_cache[key]

    def draw_form(
        self, resources: DictionaryObject, name: Any, gs: _GraphicsState, depth: int
    ) -> None:
        # Images are deliberately not treated as boxes: a scanned page, a logo or a
        # signature drawn over text is far more often layout than redaction, and reporting
        # every scanned page would bury the real warnings.
        try:
            xobject = resources["/XObject"][name].get_object()
        except (KeyError, TypeError, AttributeError):
            return
        if not isinstance(xobject, StreamObject) or xobject.get("/Subtype") != "/Form":
            return
        matrix = xobject.get("/Matrix")
        form_gs = replace(gs)
        if isinstance(matrix, ArrayObject) and len(matrix) == 6:
            form_gs.ctm = _multiply(tuple(float(v) for v in matrix), gs.ctm)  # type: ignore[arg-type]
        form_resources = xobject.get("/Resources")
        form_resources = form_resources.get_object() if form_resources is not None else resources
        self.run(xobject, form_resources, form_gs, depth + 1)


_NUMERIC_OPS = {b"cm", b"re", b"m", b"l", b"c", b"v", b"y", b"Tc", b"Tw", b"Tz", b"TL", b"Ts",
                b"Td", b"TD", b"Tm"}  # fmt: skip
# Operators that fill the current path: f, F and f* fill; B, B*, b and b* fill and stroke.
_FILL_OPS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}


def _number(value: Any, default: float) -> float:
    """An operand as a float, or ``default`` when a damaged stream put something else there."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _as_box(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The (x0, y0, x1, y1) of a subpath that is an axis-aligned rectangle, else None."""
    if len(points) == 5 and points[0] == points[-1]:
        points = points[:4]
    if len(points) != 4:
        return None
    xs = sorted({round(x, 2) for x, _ in points})
    ys = sorted({round(y, 2) for _, y in points})
    if len(xs) != 2 or len(ys) != 2:
        return None  # rotated, or not a rectangle at all
    if {(round(x, 2), round(y, 2)) for x, y in points} != {(x, y) for x in xs for y in ys}:
        return None
    if xs[1] - xs[0] < _MIN_BOX_SIDE or ys[1] - ys[0] < _MIN_BOX_SIDE:
        return None
    return xs[0], ys[0], xs[1], ys[1]


def _ext_gstate_opaque(resources: DictionaryObject, name: Any, current: bool) -> bool:
    """Whether fills stay opaque after ``gs name``: a fill alpha below 1, a soft mask or a blend
    mode other than Normal lets text show through, so such a box does not hide anything."""
    try:
        state = resources["/ExtGState"][name].get_object()
    except (KeyError, TypeError, AttributeError):
        return current
    opaque = current
    if "/ca" in state:
        opaque = float(state["/ca"]) >= 0.99
    blend = state.get("/BM")
    if isinstance(blend, ArrayObject):
        blend = blend[0] if blend else None
    if blend not in (None, "/Normal", "/Compatible"):
        opaque = False
    smask = state.get("/SMask")
    if smask is not None and smask != "/None":
        opaque = False
    return opaque


def _string_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    original = getattr(value, "original_bytes", None)
    if isinstance(original, bytes):
        return original
    return str(value).encode("latin-1", "replace")


def _cp1252_map() -> dict[int, str]:
    return {i: bytes([i]).decode("cp1252", "replace") for i in range(256)}


def _mac_roman_map() -> dict[int, str]:
    return {i: bytes([i]).decode("mac_roman", "replace") for i in range(256)}


def _glyph_name_char(name: str) -> str | None:
    """Unicode for a glyph name from an /Encoding /Differences array ("/a", "/uni00E9")."""
    if name in _ADOBE_GLYPHS:
        return _ADOBE_GLYPHS[name]
    bare = name.lstrip("/")
    if len(bare) == 1:
        return bare
    match = re.fullmatch(r"uni([0-9A-Fa-f]{4})", bare)
    if match:
        return chr(int(match.group(1), 16))
    return None


def _font_info(font: DictionaryObject) -> _FontInfo:
    """Build what we need to place and decode a font's characters."""
    subtype = font.get("/Subtype")
    to_unicode, code_bytes_from_cmap = {}, None
    if "/ToUnicode" in font:
        stream = font["/ToUnicode"].get_object()
        if isinstance(stream, StreamObject):
            to_unicode, code_bytes_from_cmap = _parse_to_unicode(stream.get_data())

    if subtype == "/Type0":
        descendant = font.get("/DescendantFonts")
        descendant = descendant.get_object()[0].get_object() if descendant else DictionaryObject()
        default = float(descendant.get("/DW", 1000)) / 1000.0
        widths = _cid_widths(descendant.get("/W"))
        return _FontInfo(code_bytes_from_cmap or 2, to_unicode, widths, default, {}, {})

    encoding = font.get("/Encoding")
    encoding = encoding.get_object() if encoding is not None else None
    fallback = _mac_roman_map() if encoding == "/MacRomanEncoding" else _cp1252_map()
    if isinstance(encoding, DictionaryObject):
        if encoding.get("/BaseEncoding") == "/MacRomanEncoding":
            fallback = _mac_roman_map()
        code = 0
        for item in encoding.get("/Differences", []):
            item = item.get_object() if isinstance(item, IndirectObject) else item
            if isinstance(item, NameObject):
                char = _glyph_name_char(str(item))
                if char is not None:
                    fallback[code] = char
                code += 1
            else:
                code = int(item)

    # Type 3 glyphs are measured in glyph space, which /FontMatrix maps to text space; every
    # other simple font measures widths in thousandths of the font size.
    scale = 1 / 1000.0
    if subtype == "/Type3" and isinstance(font.get("/FontMatrix"), ArrayObject):
        scale = float(font["/FontMatrix"][0])
    widths: dict[int, float] = {}
    first = int(font.get("/FirstChar", 0))
    for offset, width in enumerate(font.get("/Widths", None) or []):
        widths[first + offset] = (
            float(width.get_object() if isinstance(width, IndirectObject) else width) * scale
        )
    descriptor = font.get("/FontDescriptor")
    missing = 0.0
    if descriptor is not None:
        missing = float(descriptor.get_object().get("/MissingWidth", 0)) * scale
    core: dict[str, float] = {}
    base = str(font.get("/BaseFont", "")).lstrip("/")
    metrics = _CORE_FONT_METRICS.get(base)
    if metrics is not None and not widths:
        core = {ch: w / 1000.0 for ch, w in metrics.character_widths.items()}
    default = missing or (core.get("default") or 0.5)
    return _FontInfo(code_bytes_from_cmap or 1, to_unicode, widths, default, fallback, core)


def _cid_widths(array: Any) -> dict[int, float]:
    """Parse a CID font's /W array: "c [w1 w2 …]" and "c_first c_last w" entries."""
    widths: dict[int, float] = {}
    if array is None:
        return widths
    items = list(array.get_object())
    i = 0
    while i < len(items):
        first = items[i].get_object() if isinstance(items[i], IndirectObject) else items[i]
        nxt = items[i + 1].get_object() if i + 1 < len(items) else None
        if isinstance(nxt, ArrayObject):
            for offset, width in enumerate(nxt):
                widths[int(first) + offset] = float(width) / 1000.0
            i += 2
        elif i + 2 < len(items):
            last, width = int(nxt), float(items[i + 2])
            for cid in range(int(first), min(int(last), int(first) + 65536) + 1):
                widths[cid] = width / 1000.0
            i += 3
        else:
            break
    return widths


_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _hex_to_text(value: bytes) -> str:
    raw = bytes.fromhex(re.sub(rb"\s", b"", value).decode("ascii"))
    return raw.decode("utf-16-be", "replace") if len(raw) >= 2 else raw.decode("latin-1")


def _parse_to_unicode(cmap: bytes) -> tuple[dict[int, str], int | None]:
    """Parse a /ToUnicode CMap's bfchar and bfrange sections.

    Returns ({code: text}, bytes per code from the codespace range, or None if not stated).
    """
    mapping: dict[int, str] = {}
    code_bytes = None
    space = re.search(rb"begincodespacerange\s*(.*?)endcodespacerange", cmap, re.S)
    if space:
        first = _HEX.search(space.group(1))
        if first:
            code_bytes = max(1, len(re.sub(rb"\s", b"", first.group(1))) // 2)
    for section in re.finditer(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        tokens = _HEX.findall(section.group(1))
        for src, dst in zip(tokens[0::2], tokens[1::2], strict=False):
            mapping[int(re.sub(rb"\s", b"", src) or b"0", 16)] = _hex_to_text(dst)
    for section in re.finditer(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        body = section.group(1)
        for entry in re.finditer(rb"<([^>]*)>\s*<([^>]*)>\s*(<[^>]*>|\[[^\]]*\])", body):
            low = int(re.sub(rb"\s", b"", entry.group(1)) or b"0", 16)
            high = int(re.sub(rb"\s", b"", entry.group(2)) or b"0", 16)
            high = min(high, low + 65535)
            target = entry.group(3)
            if target.startswith(b"["):
                for offset, dst in enumerate(_HEX.findall(target)):
                    mapping[low + offset] = _hex_to_text(dst)
            else:
                start = _hex_to_text(target[1:-1])
                if not start:
                    continue
                for offset in range(high - low + 1):
                    mapping[low + offset] = start[:-1] + chr(min(ord(start[-1]) + offset, 0x10FFFF))
    return mapping, code_bytes


def _interpret_page(page: Any, reader: PdfReader) -> tuple[list[_Glyph], list[_Box]]:
    """Return the glyphs drawn on a page and the opaque boxes painted on it, in drawing order."""
    interpreter = _PageInterpreter(reader)
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    # A damaged stream stops the interpretation where it breaks; what was seen up to that point
    # is still checked.
    with contextlib.suppress(Exception):
        interpreter.run(page.get_contents(), resources, _GraphicsState())
    return interpreter.glyphs, interpreter.boxes


_GRID = 64.0  # points per cell of the spatial index used to match glyphs to boxes


def _glyphs_under(
    box: _Box, grid: dict[tuple[int, int], list[_Glyph]], any_order: bool
) -> list[_Glyph]:
    """Glyphs whose body the box covers, drawn before it (or at any time, for annotations,
    which are always painted on top of the page)."""
    found = []
    for gx in range(int(box.x0 // _GRID), int(box.x1 // _GRID) + 1):
        for gy in range(int(box.y0 // _GRID), int(box.y1 // _GRID) + 1):
            for glyph in grid.get((gx, gy), ()):
                if (
                    (any_order or glyph.seq < box.seq)
                    and box.covers(glyph.low)
                    and box.covers(glyph.high)
                ):
                    found.append(glyph)
    found.sort(key=lambda g: (g.seq, -g.low[1], g.low[0]))
    return found


def _grid(glyphs: list[_Glyph]) -> dict[tuple[int, int], list[_Glyph]]:
    grid: dict[tuple[int, int], list[_Glyph]] = {}
    for glyph in glyphs:
        grid.setdefault((int(glyph.low[0] // _GRID), int(glyph.low[1] // _GRID)), []).append(glyph)
    return grid


def _joined(glyphs: list[_Glyph]) -> str:
    return " ".join("".join(g.char for g in glyphs).split())


def _covered_text_findings(number: int, glyphs: list[_Glyph], boxes: list[_Box]) -> list[Finding]:
    if not glyphs or not boxes:
        return []
    grid = _grid(glyphs)
    snippets: list[str] = []
    for box in boxes:
        text = _joined(_glyphs_under(box, grid, any_order=False))
        if text:
            snippets.append(text)
    if not snippets:
        return []
    shown = "; ".join(f"'{excerpt(s, 60)}'" for s in snippets[:5])
    more = f" and {len(snippets) - 5} more" if len(snippets) > 5 else ""
    return [
        Finding(
            "pdf-covered-text",
            f"Page {number} has {plural(len(snippets), 'filled box', 'filled boxes')} drawn over "
            f"text that is still in the file underneath: {shown}{more}. The page looks "
            "redacted, but anyone can select and copy the text. Redact with a tool that removes "
            "the text (e.g. Acrobat's Redact, then Apply), or print to image, and check again.",
            f"page {number}",
        )
    ]


# =============================================================================================
# Annotations
# =============================================================================================

_ANNOTATION_NAMES = {
    "/Text": "sticky-note comment",
    "/FreeText": "text box comment",
    "/Highlight": "highlight",
    "/Underline": "underline mark-up",
    "/StrikeOut": "strike-out mark-up",
    "/Squiggly": "squiggly underline mark-up",
    "/Ink": "freehand drawing",
    "/Stamp": "stamp",
    "/Square": "box",
    "/Circle": "circle",
    "/Line": "line",
    "/Polygon": "polygon",
    "/PolyLine": "polyline",
    "/Caret": "insertion mark",
    "/Sound": "sound clip",
    "/Movie": "movie",
    "/Screen": "media clip",
}


def _annotation_findings(number: int, page: Any, glyphs: list[_Glyph]) -> list[Finding]:
    findings: list[Finding] = []
    annotations = page.get("/Annots")
    if annotations is None:
        return findings
    grid = _grid(glyphs)
    for ref in annotations.get_object():
        annot = ref.get_object() if isinstance(ref, IndirectObject) else ref
        if not isinstance(annot, DictionaryObject):
            continue  # a dangling reference in the annotation array: nothing to report
        subtype = str(annot.get("/Subtype", ""))
        author = str(annot.get("/T", "") or "")
        contents = str(annot.get("/Contents", "") or "")
        by = f" by '{shorten(author, 40)}'" if author.strip() else ""
        said = f": '{excerpt(contents, 80)}'" if contents.strip() else ""
        location = f"page {number}"

        # Link annotations are navigation (a table of contents, a web address that is usually
        # printed on the page too). Reporting every one would bury real warnings, so only links
        # that open local files or network drives are reported: those reveal internal paths.
        if subtype == "/Link":
            target = _link_target(annot)
            if target:
                findings.append(
                    Finding(
                        "pdf-link",
                        f"Page {number} has a link to a local or network file "
                        f"('{shorten(target, 80)}'). It reveals an internal file path; remove "
                        "the link before publishing.",
                        location,
                    )
                )
            continue
        if subtype in ("/Popup", "/Widget", "/PrinterMark", "/TrapNet", "/Watermark"):
            # Popups belong to a note reported on its own; widgets are form fields, and
            # printer's marks and watermarks are page furniture.
            continue
        if subtype == "/FileAttachment":
            fs = annot.get("/FS")
            fs = fs.get_object() if fs is not None else None
            name = ""
            if isinstance(fs, DictionaryObject):
                name = str(fs.get("/UF") or fs.get("/F") or "")
            findings.append(
                Finding(
                    "pdf-embedded-file",
                    f"Page {number} has a file attached as an annotation ('{shorten(name, 60)}')"
                    f"{by}. Attached files are published with the PDF; remove it or check it "
                    "separately.",
                    location,
                )
            )
            continue

        rect = _annotation_rect(annot)
        covered = ""
        if rect is not None and subtype in ("/Redact", "/Square"):
            covered = _joined(_glyphs_under(rect, grid, any_order=True))
        if subtype == "/Redact":
            under = (
                f" The text under it is still there: '{excerpt(covered, 60)}'." if covered else ""
            )
            findings.append(
                Finding(
                    "pdf-unapplied-redaction",
                    f"Page {number} has a redaction that was marked{by} but never applied.{under} "
                    "Apply the redactions (Acrobat: Redact > Apply) and save, then check again.",
                    location,
                )
            )
            continue
        if subtype == "/Square" and covered and annot.get("/IC"):
            findings.append(
                Finding(
                    "pdf-covered-text",
                    f"Page {number} has a filled box annotation{by} drawn over text that is "
                    f"still in the file underneath: '{excerpt(covered, 60)}'. Anyone can delete "
                    "the box or copy the text. Redact properly and check again.",
                    location,
                )
            )
            continue
        kind = _ANNOTATION_NAMES.get(subtype, f"{subtype.lstrip('/') or 'unknown'} annotation")
        findings.append(
            Finding(
                "pdf-annotation",
                f"Page {number} has a {kind}{by}{said}. Annotations and comments are published "
                "with the PDF; remove them (or flatten the PDF) unless they are meant to be read.",
                location,
            )
        )
    return findings


def _annotation_rect(annot: DictionaryObject) -> _Box | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    return _Box(0, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _link_target(annot: DictionaryObject) -> str:
    """The file path a link opens, if it opens a local or network file; else ""."""
    action = annot.get("/A")
    action = action.get_object() if action is not None else None
    if not isinstance(action, DictionaryObject):
        return ""
    kind = action.get("/S")
    if kind in ("/Launch", "/GoToR"):
        target = action.get("/F")
        target = target.get_object() if target is not None else ""
        if isinstance(target, DictionaryObject):
            target = target.get("/UF") or target.get("/F") or ""
        return str(target) or "(a file)"
    if kind == "/URI":
        uri = str(action.get("/URI", ""))
        if uri.lower().startswith("file:") or uri.startswith("\\\\"):
            return uri
    return ""


# =============================================================================================
# Document-level hazards
# =============================================================================================


def _metadata_findings(reader: PdfReader) -> list[Finding]:
    fields: list[tuple[str, str]] = []
    try:
        info = reader.metadata
    except Exception:  # a damaged Info dictionary: no metadata to report
        info = None
    if info is not None:
        fields.append(("author", str(info.get("/Author", "") or "")))
    try:
        xmp = reader.xmp_metadata
        creators = list(xmp.dc_creator or []) if xmp is not None else []
    except Exception:  # damaged XMP: the Info dictionary is the main source anyway
        creators = []
    fields.extend(("author (XMP)", str(c)) for c in creators)
    return author_findings(fields, "document properties")


def _embedded_file_findings(reader: PdfReader) -> list[Finding]:
    try:
        attachments = reader.attachments
        names = list(attachments.keys())
    except Exception:  # a damaged name tree
        return []
    findings: list[Finding] = []
    depth = _embed_depth.get()
    for name in names:
        try:
            contents = attachments[name]
        except Exception:  # an attachment we cannot extract is still worth reporting
            contents = []
        findings.append(
            Finding(
                "pdf-embedded-file",
                f"The PDF has an embedded file '{shorten(name, 60)}'. Embedded files are "
                "published with the PDF and easy to miss; remove it or check it separately.",
                f"embedded file '{shorten(name, 60)}'",
            )
        )
        if depth >= _MAX_EMBED_DEPTH:
            continue
        token = _embed_depth.set(depth + 1)
        try:
            for content in contents[:1]:
                for inner in check_document(content, name):
                    if inner.check == "unsupported-type":
                        continue
                    where = f"embedded file '{shorten(name, 60)}'"
                    findings.append(
                        replace(
                            inner,
                            location=f"{where}, {inner.location}" if inner.location else where,
                        )
                    )
        finally:
            _embed_depth.reset(token)
    return findings


def _hidden_layer_findings(reader: PdfReader) -> list[Finding]:
    """Optional content groups (layers) switched off by default still hold their content."""
    try:
        properties = reader.trailer["/Root"].get_object().get("/OCProperties")
        config = properties.get_object().get("/D").get_object() if properties else None
        off = config.get("/OFF") if config is not None else None
        groups = [g.get_object() for g in off.get_object()] if off is not None else []
    except Exception:  # damaged optional-content dictionaries: nothing we can say
        return []
    names = [str(g.get("/Name", "unnamed")) for g in groups if isinstance(g, DictionaryObject)]
    if not names:
        return []
    listed = ", ".join(f"'{shorten(n, 40)}'" for n in names[:10])
    return [
        Finding(
            "pdf-hidden-layer",
            f"The PDF has {plural(len(names), 'layer')} switched off by default ({listed}). "
            "Hidden layers are in the file and anyone can switch them on; flatten or remove them.",
            "",
        )
    ]


def _incremental_update_findings(data: bytes) -> list[Finding]:
    """Each incremental save appends to the file and leaves earlier versions readable.

    A linearized ("fast web view") PDF legitimately has two end-of-file markers.
    """
    markers = len(re.findall(rb"%%EOF", data))
    allowed = 2 if b"/Linearized" in data[:2048] else 1
    if markers <= allowed:
        return []
    saves = markers - allowed
    return [
        Finding(
            "pdf-earlier-versions",
            f"The PDF was changed and saved {plural(saves, 'time')} on top of an earlier "
            "version (incremental save). Earlier versions of the pages, including anything "
            "since removed or redacted, may still be recoverable from the file. Save a fresh "
            "copy (e.g. 'Save As' or print to PDF) and check it again.",
            "",
        )
    ]
