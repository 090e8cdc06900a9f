"""How a stacked credential names its components verifiably.

``digestMultibase`` (VC 2.0 §5.3, "Integrity of Related Resources"): the SHA-256 of the
component credential's **stored bytes** (exactly what ``GET /credentials/<id>`` serves for
an award made here, byte for byte; for an import, the credential exactly as imported: its
JSON text, or the compact VC-JWT), as a multihash (``0x12 0x20`` + digest) encoded in
multibase base64url without padding (prefix ``u``). Anyone holding the component can
recompute it: ``"u" + base64url(b"\\x12\\x20" + sha256(bytes))``.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["digest_multibase"]

_SHA256_MULTIHASH = b"\x12\x20"


def digest_multibase(data: bytes) -> str:
    digest = _SHA256_MULTIHASH + hashlib.sha256(data).digest()
    return "u" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
