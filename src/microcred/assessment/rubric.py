"""The assessment rubric and its OB 3.0 form.

Each learning outcome of the definition is one criterion; the assessor gives it a level
(not met / partially met / met) and a comment. An approval needs every outcome met.

In the credential (1EdTech OB 3.0 §B.1.13 ResultDescription, §B.1.15
RubricCriterionLevel, §B.1.14 Result): the embedded Achievement gets one
``ResultDescription`` per outcome (``resultType`` ``RubricCriterionLevel``, the three levels,
``requiredLevel`` = met), and ``credentialSubject.result`` one ``Result`` per outcome with
the ``achievedLevel``, plus an overall ``Result`` (``status`` ``Completed``) that records
the assessment type: ``assessmentType`` and ``recognitionOfPriorLearning`` (microcred
extension context). Assessor comments stay in the platform (the learner sees them); they
are not published in the credential.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from microcred.assessment.errors import RubricInvalid
from microcred.assessment.types import RUBRIC_LEVELS, SOURCE_LABELS, RubricScore

__all__ = [
    "assessment_type",
    "check_rubric",
    "result_descriptions",
    "results",
    "rubric_json",
]


def check_rubric(
    scores: Sequence[RubricScore], *, outcomes: Sequence[str], complete: bool
) -> list[RubricScore]:
    """Validated scores in outcome order (one per outcome at most); ``complete`` asks for
    every outcome to be scored."""
    by_criterion: dict[int, RubricScore] = {}
    for score in scores:
        if not 0 <= score.criterion < len(outcomes):
            raise RubricInvalid(
                f"There is no learning outcome {score.criterion + 1}; the definition has "
                f"{len(outcomes)}."
            )
        if score.level not in RUBRIC_LEVELS:
            raise RubricInvalid(
                f"Unknown level {score.level[:30]!r}; choose one of {', '.join(RUBRIC_LEVELS)}."
            )
        if score.criterion in by_criterion:
            raise RubricInvalid(f"Learning outcome {score.criterion + 1} is scored twice.")
        if len(score.comment) > 2000:
            raise RubricInvalid("Keep each rubric comment under 2000 characters.")
        by_criterion[score.criterion] = RubricScore(
            score.criterion, score.level, score.comment.strip()
        )
    if complete:
        missing = [str(i + 1) for i in range(len(outcomes)) if i not in by_criterion]
        if missing:
            raise RubricInvalid(
                f"Give a level for every learning outcome (missing: {', '.join(missing)})."
            )
    return [by_criterion[i] for i in sorted(by_criterion)]


def rubric_json(scores: Iterable[RubricScore]) -> list[dict[str, Any]]:
    return [{"criterion": s.criterion, "level": s.level, "comment": s.comment} for s in scores]


def _description_id(achievement_id: str, index: int) -> str:
    return f"{achievement_id}#outcome-{index + 1}"


def _level_id(achievement_id: str, index: int, level: str) -> str:
    return f"{_description_id(achievement_id, index)}-{level.replace('_', '-')}"


def result_descriptions(achievement_id: str, outcomes: Sequence[str]) -> list[dict[str, Any]]:
    """One ResultDescription per learning outcome, with the rubric's levels."""
    return [
        {
            "id": _description_id(achievement_id, index),
            "type": ["ResultDescription"],
            "name": outcome,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [
                {
                    "id": _level_id(achievement_id, index, level),
                    "type": ["RubricCriterionLevel"],
                    "name": label,
                    "level": label,
                }
                for level, label in RUBRIC_LEVELS.items()
            ],
            "requiredLevel": _level_id(achievement_id, index, "met"),
        }
        for index, outcome in enumerate(outcomes)
    ]


def assessment_type(sources: Iterable[str]) -> str:
    """The assessment type recorded in the credential, naming the evidence sources."""
    names = sorted({SOURCE_LABELS.get(s, "Other experience").lower() for s in sources})
    evidence = f"evidence from {', '.join(names)}" if names else "a portfolio of evidence"
    return (
        f"Recognition of prior learning: {evidence}, reviewed by an assessor against each "
        "learning outcome"
    )


def results(
    achievement_id: str, scores: Sequence[RubricScore], *, assessment: str
) -> list[dict[str, Any]]:
    """The credential's Results: the overall one (assessment type, RPL), then one per
    scored outcome."""
    overall: dict[str, Any] = {
        "type": ["Result"],
        "status": "Completed",
        "assessmentType": assessment,
        "recognitionOfPriorLearning": True,
    }
    per_outcome = [
        {
            "type": ["Result"],
            "resultDescription": _description_id(achievement_id, score.criterion),
            "achievedLevel": _level_id(achievement_id, score.criterion, score.level),
        }
        for score in scores
    ]
    return [overall, *per_outcome]
