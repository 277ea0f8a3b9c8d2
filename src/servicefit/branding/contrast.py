"""WCAG 2.x contrast: relative luminance, contrast ratio and a readable text colour (pure).

Formulas from WCAG 2.2, "relative luminance" and "contrast ratio" definitions:
``L = 0.2126 R + 0.7152 G + 0.0722 B`` on linearised sRGB channels, and
``(L1 + 0.05) / (L2 + 0.05)`` with ``L1`` the lighter colour.
"""

from __future__ import annotations

import re

AA_NORMAL_TEXT = 4.5
"""WCAG 2.2 success criterion 1.4.3 (AA) for normal-size text."""
AA_NON_TEXT = 3.0
"""WCAG 2.2 success criterion 1.4.11 (AA) for user-interface components and graphics."""

WHITE = "#ffffff"
DARK = "#1b2430"
"""The site's body text colour, used on light accents."""

_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``"#0b5cad"`` as ``(11, 92, 173)``; raises ``ValueError`` for anything else."""
    match = _HEX.match(colour.strip())
    if match is None:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    value = match.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = parse_hex(colour)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(background: str) -> str:
    """White or the dark body colour, whichever contrasts more with ``background``."""
    if contrast_ratio(background, WHITE) >= contrast_ratio(background, DARK):
        return WHITE
    return DARK
