"""Value types of the quality domain: trust registry entries and lookups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, Protocol

__all__ = [
    "REGISTRY_FORMAT",
    "TARGET_TYPES",
    "RegistryFormat",
    "TrustEntry",
    "TrustLookup",
]

#: The ``format`` member of microcred's trust registry JSON (docs: README, "Trust registry").
REGISTRY_FORMAT: Final = "https://w3id.org/microcred/trust-registry/v1"

RegistryFormat = Literal["microcred", "microcred-vc", "dcc"]
TARGET_TYPES: Final[tuple[str, ...]] = ("definition", "organisation")


def z(value: datetime | None) -> str | None:
    """A UTC time as ``YYYY-MM-DDTHH:MM:SSZ`` (None stays None)."""
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class TrustEntry:
    """One registry's statement about one issuer.

    ``registry`` names where it is listed (this platform's registry or a consumed one);
    ``accredited_by``/``accredited_by_name`` are empty for registries that only list
    issuers (the DCC format).
    """

    issuer: str
    name: str
    registry: str
    accredited_by: str | None = None
    accredited_by_name: str | None = None
    scope: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    url: str | None = None
    location: str | None = None

    def current(self, now: datetime) -> bool:
        """Whether the entry holds at ``now`` (inside validFrom/validUntil)."""
        if self.valid_from is not None and now < self.valid_from:
            return False
        return self.valid_until is None or now < self.valid_until

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"issuer": self.issuer, "name": self.name, "registry": self.registry}
        for key, value in (
            ("accreditedBy", self.accredited_by),
            ("accreditedByName", self.accredited_by_name),
            ("scope", self.scope),
            ("validFrom", z(self.valid_from)),
            ("validUntil", z(self.valid_until)),
            ("url", self.url),
            ("location", self.location),
        ):
            if value is not None:
                out[key] = value
        return out


class TrustLookup(Protocol):
    """Where the ``issuer_trust`` check looks issuers up."""

    def entries_for(self, issuer: str) -> list[TrustEntry]: ...
