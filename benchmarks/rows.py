"""The row type every benchmark module returns, and the shared run configuration."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Config:
    """What the command line asked for (``--quick`` makes every benchmark small)."""

    quick: bool = False
    #: Rows of the bulk issuance benchmark (``--bulk-rows``).
    bulk_rows: int = 100_000
    #: Seconds of the HTTP verify load (``--http-seconds``).
    http_seconds: float = 60.0


@dataclass(frozen=True)
class Row:
    """One line of the results table.

    ``ours``/``reference`` are rates (bigger is better) in ``unit``; ``reference`` is
    ``None`` for rows without a comparison; ``note`` says what was measured.
    """

    group: str
    name: str
    ours: float
    unit: str
    reference: float | None = None
    reference_name: str = ""
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times the reference rate microcred's rate is."""
        if self.reference in (None, 0):
            return None
        return self.ours / self.reference
