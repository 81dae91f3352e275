"""The authority's brand colour, as a small stylesheet served at ``/theme.css``.

The Content-Security-Policy allows styles only from our own files ('self', no
'unsafe-inline'), so the colour from settings cannot go into a ``style`` attribute or a
``<style>`` block. Instead the app serves a stylesheet that sets the custom properties
``static/css/foilog.css`` reads (``--brand`` and friends).

The colour is only ever written into that stylesheet after it has been parsed as a hex
colour, so a setting cannot inject CSS. Colours derived from it keep WCAG 2.2 AA contrast
whatever the authority chooses: the header text turns dark on a pale brand colour (a
mid-tone that neither white nor dark text reads on is darkened), and links and chart bars
use the brand colour darkened until it reads on white and grey.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

DEFAULT_BRAND_COLOUR = "#1d4f91"
DEFAULT_BRAND_RGB = (0x1D, 0x4F, 0x91)
WHITE = (255, 255, 255)
NEAR_BLACK = (11, 12, 12)  # --text in foilog.css
LIGHT_GREY = (243, 242, 241)  # --light: the footer and filter panel
# WCAG 2.2 AA: 4.5:1 for text; 3:1 for large text and for graphics such as chart bars.
TEXT_CONTRAST = 4.5

_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

RGB = tuple[int, int, int]


def parse_colour(value: str) -> RGB | None:
    """``"#1d4f91"`` or ``"#14f"`` as an (r, g, b) tuple; None for anything else."""
    match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def as_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def relative_luminance(rgb: RGB) -> float:
    """The WCAG relative luminance of an sRGB colour, from 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: RGB, second: RGB) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def darken(rgb: RGB, amount: float) -> RGB:
    """``rgb`` moved ``amount`` (0..1) of the way towards black."""
    return tuple(round(v * (1 - amount)) for v in rgb)  # type: ignore[return-value]


def readable_on(rgb: RGB, *backgrounds: RGB, ratio: float = TEXT_CONTRAST) -> RGB:
    """``rgb``, darkened in small steps until it has ``ratio`` contrast on every background."""
    colour = rgb
    while any(contrast_ratio(colour, bg) < ratio for bg in backgrounds):
        colour = darken(colour, 0.08)
    return colour


@dataclass(frozen=True)
class Theme:
    brand: str  # the header's background
    brand_dark: str  # the header's bottom border
    on_brand: str  # text on the brand colour
    link: str  # links and chart bars, readable on white and on the light grey


def theme_for(colour: str) -> Theme:
    """The theme for a brand colour; an invalid colour falls back to the default one."""
    rgb = parse_colour(colour) or DEFAULT_BRAND_RGB
    if contrast_ratio(rgb, WHITE) >= TEXT_CONTRAST:
        on_brand = WHITE
    elif contrast_ratio(rgb, NEAR_BLACK) >= TEXT_CONTRAST:
        on_brand = NEAR_BLACK
    else:  # a mid-tone that neither white nor black text reads on: darken it a little
        rgb, on_brand = readable_on(rgb, WHITE), WHITE
    return Theme(
        brand=as_hex(rgb),
        brand_dark=as_hex(darken(rgb, 0.4)),
        on_brand=as_hex(on_brand),
        link=as_hex(readable_on(rgb, WHITE, LIGHT_GREY)),
    )


def stylesheet(colour: str) -> str:
    """The text of ``/theme.css`` for a brand colour."""
    theme = theme_for(colour)
    return (
        "/* The authority's colours, from the AUTHORITY_BRAND_COLOUR setting. */\n"
        ":root {\n"
        f"  --brand: {theme.brand};\n"
        f"  --brand-dark: {theme.brand_dark};\n"
        f"  --on-brand: {theme.on_brand};\n"
        f"  --link: {theme.link};\n"
        f"  --chart: {theme.link};\n"
        "}\n"
    )


def version(colour: str) -> str:
    """A short digest of the stylesheet, put in its URL so browsers may keep it for ever."""
    return hashlib.sha256(stylesheet(colour).encode()).hexdigest()[:12]
