"""Errors of the catalogue domain.

Tree (all from :mod:`microcred.errors`)::

    NotFound
     +-- DefinitionNotFound     no such definition (or version) in this organisation
     +-- SkillNotFound          a skill URI or id that no framework holds
     +-- FrameworkNotFound      no such skills framework
    Conflict
     +-- DefinitionImmutable    a published or retired version cannot change
     +-- DefinitionStateError   the action does not fit the definition's state
    InvalidInput
     +-- DefinitionInvalid      a field of a definition is invalid
     +-- DefinitionIncomplete   a draft lacks what publishing needs
     +-- EscoImportError        an ESCO CSV file is malformed (names the file and line)
"""

from __future__ import annotations

from collections.abc import Sequence

from microcred.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "DefinitionImmutable",
    "DefinitionIncomplete",
    "DefinitionInvalid",
    "DefinitionNotFound",
    "DefinitionStateError",
    "EscoImportError",
    "FrameworkNotFound",
    "SkillNotFound",
]


class DefinitionNotFound(NotFound):
    code = "definition_not_found"


class SkillNotFound(NotFound):
    code = "skill_not_found"


class FrameworkNotFound(NotFound):
    code = "framework_not_found"


class DefinitionImmutable(Conflict):
    code = "definition_immutable"


class DefinitionStateError(Conflict):
    code = "definition_state"


class DefinitionInvalid(InvalidInput):
    """``field`` names the offending member of the definition."""

    code = "definition_invalid"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class DefinitionIncomplete(InvalidInput):
    """``missing`` lists the fields publishing needs."""

    code = "definition_incomplete"

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(
            "This draft cannot be published yet; fill in: "
            + ", ".join(missing)
            + " (edit it with PATCH /api/orgs/{org}/definitions/{slug})."
        )
        self.missing = tuple(missing)


class EscoImportError(InvalidInput):
    code = "esco_import_invalid"
