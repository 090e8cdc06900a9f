"""Errors of the pathways domain (stable codes; messages say what to do next).

::

    MicrocredError
     +-- InvalidInput
     |    +-- RulesInvalid          a rule tree that is malformed, too big or names unknown things
     |    +-- PathwayInputInvalid   other bad fields (slug, title, credits...)
     +-- NotFound
     |    +-- PathwayNotFound
     |    +-- ProgrammeNotFound
     +-- Conflict
          +-- PathwayExists / ProgrammeExists   the slug is taken in the organisation
"""

from __future__ import annotations

from microcred.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "PathwayExists",
    "PathwayInputInvalid",
    "PathwayNotFound",
    "ProgrammeExists",
    "ProgrammeNotFound",
    "RulesInvalid",
]


class RulesInvalid(InvalidInput):
    """The rule tree is malformed, too large or too deep, or names a definition or skill
    that does not exist; the message lists each problem with its path (``rules[1].n``)."""

    code = "pathway_rules_invalid"

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "; ".join(self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"The pathway rules are not valid: {shown}{more}.")


class PathwayInputInvalid(InvalidInput):
    code = "pathway_invalid"


class PathwayNotFound(NotFound):
    code = "pathway_not_found"


class ProgrammeNotFound(NotFound):
    code = "programme_not_found"


class PathwayExists(Conflict):
    code = "pathway_exists"


class ProgrammeExists(Conflict):
    code = "programme_exists"
