"""Renderings of a held credential: a badge image (PNG with Pillow, SVG from a template)
with the credential baked in (OB 3.0 "Baked Badge"), a PDF certificate (fpdf2) with a QR
code (segno) that leads to verification, and the LinkedIn "add certification" link.

The credential itself is never changed: the baked payload is the stored text (JSON or
JWT), byte for byte.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from microcred.credentials.baking import bake_png, bake_svg

__all__ = [
    "BadgeText",
    "badge_png",
    "badge_svg",
    "baked_png",
    "baked_svg",
    "certificate_pdf",
    "linkedin_url",
    "verify_link",
]

_SIZE: Final = 400
_NAVY: Final = (20, 48, 92)
_GOLD: Final = (214, 168, 46)
_WHITE: Final = (255, 255, 255)


@dataclass(frozen=True)
class BadgeText:
    title: str
    issuer: str
    date: datetime | None

    @property
    def date_text(self) -> str:
        return self.date.strftime("%Y-%m-%d") if self.date else ""


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def badge_png(text: BadgeText) -> bytes:
    """A 400x400 badge: a gold ring on navy with the title, issuer and date."""
    image = Image.new("RGB", (_SIZE, _SIZE), _WHITE)
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, _SIZE - 10, _SIZE - 10), fill=_GOLD)
    draw.ellipse((26, 26, _SIZE - 26, _SIZE - 26), fill=_NAVY)
    lines = textwrap.wrap(text.title, 22)[:4] or [""]
    y = 150 - 14 * (len(lines) - 1)
    for line in lines:
        draw.text((_SIZE / 2, y), line, fill=_WHITE, font=_font(26), anchor="mm")
        y += 32
    draw.text((_SIZE / 2, y + 20), text.issuer[:40], fill=_GOLD, font=_font(18), anchor="mm")
    draw.text((_SIZE / 2, y + 48), text.date_text, fill=_WHITE, font=_font(16), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def badge_svg(text: BadgeText) -> str:
    """The same badge as SVG (every text escaped)."""
    lines = textwrap.wrap(text.title, 22)[:4] or [""]
    y = 150 - 14 * (len(lines) - 1)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" '
        'viewBox="0 0 400 400" role="img">',
        f"<title>{escape(text.title)} — {escape(text.issuer)}</title>",
        '<circle cx="200" cy="200" r="190" fill="#d6a82e"/>',
        '<circle cx="200" cy="200" r="174" fill="#14305c"/>',
    ]
    for line in lines:
        parts.append(
            f'<text x="200" y="{y}" font-family="sans-serif" font-size="26" fill="#fff" '
            f'text-anchor="middle" dominant-baseline="middle">{escape(line)}</text>'
        )
        y += 32
    parts.append(
        f'<text x="200" y="{y + 20}" font-family="sans-serif" font-size="18" fill="#d6a82e" '
        f'text-anchor="middle">{escape(text.issuer[:40])}</text>'
    )
    parts.append(
        f'<text x="200" y="{y + 48}" font-family="sans-serif" font-size="16" fill="#fff" '
        f'text-anchor="middle">{escape(text.date_text)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def baked_png(text: BadgeText, credential: str) -> bytes:
    """The badge PNG with ``credential`` (JSON or compact JWT) baked in."""
    return bake_png(badge_png(text), credential)


def baked_svg(text: BadgeText, credential: str) -> str:
    """The badge SVG with ``credential`` baked in."""
    return bake_svg(badge_svg(text), credential)


def verify_link(base_url: str, credential_url: str) -> str:
    """``<base>/verify?url=<credential url>`` (what the QR code encodes)."""
    if credential_url.startswith(("http://", "https://")):
        return f"{base_url.rstrip('/')}/verify?url={quote(credential_url, safe='')}"
    return f"{base_url.rstrip('/')}/verify"


def _latin1(value: str) -> str:
    """fpdf2's core fonts are Latin-1: other characters become '?'."""
    return value.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(
    text: BadgeText,
    *,
    recipient: str,
    skills: list[str],
    verify_url: str,
    credential_url: str,
) -> bytes:
    """An A4 landscape certificate with a QR code linking to ``verify_url``."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_latin1(text.title))
    pdf.set_author(_latin1(text.issuer))
    pdf.set_creator("microcred")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_text_color(*_NAVY)
    pdf.set_font("Helvetica", "B", 30)
    pdf.set_xy(20, 30)
    pdf.cell(257, 14, "Certificate", align="C")
    pdf.set_font("Helvetica", "", 14)
    pdf.set_xy(20, 52)
    pdf.cell(257, 8, _latin1(f"This certifies that {recipient} earned"), align="C")
    pdf.set_font("Helvetica", "B", 22)
    pdf.set_xy(30, 64)
    pdf.multi_cell(237, 11, _latin1(text.title[:200]), align="C")
    pdf.set_font("Helvetica", "", 14)
    pdf.set_x(20)
    issued = f" on {text.date_text}" if text.date_text else ""
    pdf.cell(257, 10, _latin1(f"issued by {text.issuer[:120]}{issued}"), align="C")
    if skills:
        pdf.set_font("Helvetica", "", 11)
        pdf.set_xy(30, 110)
        pdf.multi_cell(180, 6, _latin1("Skills: " + "; ".join(skills[:12])[:600]))
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    pdf.image(qr, x=225, y=130, w=50, h=50)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(20, 170)
    pdf.multi_cell(200, 5, _latin1("Scan the code or open this address to verify:"))
    pdf.set_x(20)
    pdf.multi_cell(200, 5, _latin1(verify_url[:400]), link=verify_url)
    if credential_url:
        pdf.set_x(20)
        pdf.multi_cell(200, 5, _latin1(f"Credential: {credential_url[:300]}"))
    return bytes(pdf.output())


def linkedin_url(
    *, title: str, issuer: str, issued: datetime | None, cert_url: str, cert_id: str
) -> str:
    """LinkedIn's "Add to profile" link for a certification."""
    params = {"startTask": "CERTIFICATION_NAME", "name": title, "organizationName": issuer}
    if issued is not None:
        params["issueYear"] = str(issued.year)
        params["issueMonth"] = str(issued.month)
    if cert_url:
        params["certUrl"] = cert_url
    if cert_id:
        params["certId"] = cert_id
    return "https://www.linkedin.com/profile/add?" + urlencode(params)
