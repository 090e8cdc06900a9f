"""ESCO: the bundled ICT subset and the official CSV importer (both databases)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microcred.catalogue.errors import EscoImportError
from microcred.catalogue.esco import bundled_esco_files, import_esco_csv, load_bundled_esco
from microcred.catalogue.models import Occupation, OccupationSkill, Skill
from microcred.catalogue.skills import search_skills

SKILL_HEADER = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
]
OCCUPATION_HEADER = [
    "conceptType",
    "conceptUri",
    "iscoGroup",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "regulatedProfessionNote",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
    "code",
]
RELATION_HEADER = ["occupationUri", "relationType", "skillType", "skillUri"]
SKILL = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"


def _skill_row(uid: str, label: str, alt: str = "", description: str = "") -> list[str]:
    return [
        "KnowledgeSkillCompetence",
        SKILL + uid,
        "skill/competence",
        "cross-sector",
        label,
        alt,
        "",
        "released",
        "2023-01-01",
        "",
        "",
        "",
        description,
    ]


def _occupation_row(uid: str, label: str) -> list[str]:
    return [
        "Occupation",
        OCC + uid,
        "2512",
        label,
        "coder\ndeveloper",
        "",
        "released",
        "2023-01-01",
        "",
        "",
        "",
        "",
        f"{label} do things.",
        "2512.4",
    ]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _official(tmp: Path) -> Path:
    _write(
        tmp / "skills_en.csv",
        SKILL_HEADER,
        [
            _skill_row("a1", "use Python", "Python coding\nwrite Python", "Writes Python."),
            _skill_row("b2", "manage databases"),
            _skill_row("c3", "Cybersécurité"),
        ],
    )
    _write(
        tmp / "occupations_en.csv", OCCUPATION_HEADER, [_occupation_row("o1", "software developer")]
    )
    _write(
        tmp / "occupationSkillRelations_en.csv",
        RELATION_HEADER,
        [
            [OCC + "o1", "essential", "skill/competence", SKILL + "a1"],
            [OCC + "o1", "optional", "skill/competence", SKILL + "b2"],
        ],
    )
    return tmp


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count(Skill.id))) or 0,
        session.scalar(select(func.count(Occupation.id))) or 0,
        session.scalar(select(func.count()).select_from(OccupationSkill)) or 0,
    )


def test_bundled_ict_subset_loads_once(session: Session) -> None:
    skills_file, occupations_file = bundled_esco_files()
    assert skills_file.name == "esco_s.json.gz" and occupations_file.name == "esco_o.json.gz"
    first = load_bundled_esco(session)
    # 877 entries, one of which is not an ESCO concept (a par-tec.it URI) and is left out.
    assert first.skills_added == 876 and first.occupations_added == 91
    assert first.relations_added > 900
    counts = _counts(session)
    again = load_bundled_esco(session)
    assert (
        again.skills_added,
        again.skills_updated,
        again.occupations_added,
        again.relations_added,
    ) == (0, 0, 0, 0)
    assert _counts(session) == counts
    python = search_skills(session, "python")
    assert python[0].uri == "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def test_official_csv_import_is_idempotent(session: Session, tmp_path: Path) -> None:
    report = import_esco_csv(session, _official(tmp_path))
    assert report.errors == []
    assert (report.skills_added, report.occupations_added, report.relations_added) == (3, 1, 2)
    skill = session.scalar(select(Skill).where(Skill.uri == SKILL + "a1"))
    assert skill is not None and skill.alt_labels == ["Python coding", "write Python"]
    assert [s.uri for s in search_skills(session, "write pyth")] == [SKILL + "a1"]
    assert [s.label for s in search_skills(session, "cybersecurite")] == ["Cybersécurité"]
    kinds = [
        kind
        for _, kind in session.execute(
            select(OccupationSkill.skill_id, OccupationSkill.relation_type)
        )
    ]
    assert sorted(k or "" for k in kinds) == ["essential", "optional"]
    again = import_esco_csv(session, tmp_path)
    assert (again.skills_added, again.skills_updated, again.relations_added) == (0, 0, 0)
    # A changed label is an update, not a new skill.
    _write(tmp_path / "skills_en.csv", SKILL_HEADER, [_skill_row("a1", "program in Python")])
    (tmp_path / "occupations_en.csv").unlink()
    (tmp_path / "occupationSkillRelations_en.csv").unlink()
    changed = import_esco_csv(session, tmp_path)
    assert (changed.skills_added, changed.skills_updated) == (0, 1)
    assert _counts(session)[0] == 3


def test_bad_rows_are_reported_by_line_and_skipped(session: Session, tmp_path: Path) -> None:
    _write(
        tmp_path / "skills_en.csv",
        SKILL_HEADER,
        [
            _skill_row("ok", "fine skill"),
            ["too", "short"],
            _skill_row("nul", "bad\x00label"),
            _skill_row("x", ""),
        ],
    )
    with (tmp_path / "skills_en.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(
            ["K", "https://example.org/not-esco"] + [""] * 2 + ["label"] + [""] * 8
        )
    _write(
        tmp_path / "occupationSkillRelations_en.csv",
        RELATION_HEADER,
        [
            [OCC + "missing", "essential", "skill/competence", SKILL + "ok"],
            [OCC + "missing", "sometimes", "skill/competence", SKILL + "ok"],
        ],
    )
    report = import_esco_csv(session, tmp_path)
    assert report.skills_added == 1
    messages = [str(error) for error in report.errors]
    assert messages[0] == "skills_en.csv line 3: has 2 cells, the header has 13."
    assert messages[1] == "skills_en.csv line 4: contains a NUL character."
    assert messages[2].startswith("skills_en.csv line 5: preferredLabel")
    assert messages[3].startswith("skills_en.csv line 6: conceptUri")
    assert messages[4].startswith("occupationSkillRelations_en.csv line 2: occupationUri")
    assert "is not essential or optional" in messages[5]


def test_headers_encoding_and_missing_files(session: Session, tmp_path: Path) -> None:
    with pytest.raises(EscoImportError, match="none of"):
        import_esco_csv(session, tmp_path)
    with pytest.raises(EscoImportError, match="not a directory"):
        import_esco_csv(session, tmp_path / "nope")
    _write(tmp_path / "skills_en.csv", ["uri", "label"], [["a", "b"]])
    with pytest.raises(EscoImportError, match="missing column"):
        import_esco_csv(session, tmp_path)
    (tmp_path / "skills_en.csv").write_bytes(b"")
    with pytest.raises(EscoImportError, match="empty"):
        import_esco_csv(session, tmp_path)
    text = ",".join(SKILL_HEADER) + "\n" + ",".join(_skill_row("a", "ok")) + "\n"
    (tmp_path / "skills_en.csv").write_bytes(b"\xef\xbb\xbf" + text.encode() + b"K,\xff\xfe,bad\n")
    report = import_esco_csv(session, tmp_path)
    assert report.skills_added == 1
    assert [str(e) for e in report.errors] == [
        "skills_en.csv line 3: not valid UTF-8; save the file as UTF-8."
    ]


cell = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.text(max_size=8).map(lambda t: SKILL + t),
    st.sampled_from(["essential", "optional", "skill/competence", ""]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=15), max_size=6))
def test_arbitrary_rows_never_crash(
    session: Session, tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    directory = tmp_path_factory.mktemp("esco")
    _write(directory / "skills_en.csv", SKILL_HEADER, rows)
    _write(directory / "occupationSkillRelations_en.csv", RELATION_HEADER, rows)
    with session.begin_nested() as nested:
        report = import_esco_csv(session, directory)
        assert report.skills_added + len(report.errors) <= len(rows) + len(rows)
        nested.rollback()
