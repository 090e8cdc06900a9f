"""Baked badges: OB 3.0 credentials embedded in PNG and SVG images (OB 3.0 §"Baked Badge")."""

from __future__ import annotations

from microcred.credentials.baking.png import (
    MAX_IMAGE_BYTES,
    OB2_KEYWORD,
    OB3_KEYWORD,
    PNG_SIGNATURE,
    BakedCredential,
    bake_png,
    extract_png,
    unbake_png,
)
from microcred.credentials.baking.svg import (
    MAX_SVG_BYTES,
    OB2_NAMESPACE,
    OB3_NAMESPACE,
    bake_svg,
    extract_svg,
    unbake_svg,
)

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_SVG_BYTES",
    "OB2_KEYWORD",
    "OB2_NAMESPACE",
    "OB3_KEYWORD",
    "OB3_NAMESPACE",
    "PNG_SIGNATURE",
    "BakedCredential",
    "bake_png",
    "bake_svg",
    "extract_png",
    "extract_svg",
    "unbake_png",
    "unbake_svg",
]
