"""QR codes of links, as SVG: the rating form's at a counter, each file's on its receipt."""

from __future__ import annotations

import io

import segno


def qr_svg(link: str, title: str) -> bytes:
    """`link` as a QR code in SVG, with `title` for screen readers."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=4, title=title)
    return buffer.getvalue()


def qr_svg_inline(link: str, title: str) -> str:
    """`link` as a QR code in SVG markup to place in a page (no XML declaration)."""
    return segno.make(link, error="m").svg_inline(scale=4, title=title)
