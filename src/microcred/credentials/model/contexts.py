"""The JSON-LD contexts the model emits.

OB 3.0 documents start with the VC 2.0 context and the OB 3.0.3 context (OB 3.0 §"JSON-LD
context", and the official schema's ``@context`` rule). ``EXTENSION_CONTEXTS`` is where the
microcred extension context for the EU micro-credential elements (participation form,
assessment type, quality assurance...) will be added, once it is written and bundled with
the static loader; until then no term outside the standard contexts is ever emitted.
"""

from __future__ import annotations

__all__ = ["EXTENSION_CONTEXTS", "OB3_CONTEXT", "OB3_CONTEXTS", "VC_V2_CONTEXT"]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

#: Extension contexts appended after the OB context (empty: none defined yet).
EXTENSION_CONTEXTS: tuple[str, ...] = ()

#: The ``@context`` of an OB 3.0 AchievementCredential / EndorsementCredential.
OB3_CONTEXTS: tuple[str, ...] = (VC_V2_CONTEXT, OB3_CONTEXT, *EXTENSION_CONTEXTS)
