"""Distinct, realistic Open Badges 3.0 credentials for the benchmarks (seeded, no I/O)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

_FIRST = ["Ana", "Bram", "Chloé", "Dmitri", "Eva", "Fatima", "Görkem", "Hiro", "Inès", "Jonas"]
_LAST = ["Jansen", "Müller", "Okafor", "Novák", "Rossi", "Silva", "Tanaka", "Wójcik", "Ødegård"]
_SKILLS = [
    ("Python programming", "S1.2.3", "https://esco.ec.europa.eu/skill/python"),
    ("Data analysis", "S2.4.1", "https://esco.ec.europa.eu/skill/data-analysis"),
    ("Teamwork", "T1.1", "https://esco.ec.europa.eu/skill/teamwork"),
    ("Project management", "S4.8.2", "https://esco.ec.europa.eu/skill/project-management"),
    ("Machine learning", "S5.6.7", "https://esco.ec.europa.eu/skill/machine-learning"),
]
_COURSES = ["Applied Data Science", "Cloud Foundations", "Sustainable Design", "Rust Basics"]


def credential(number: int, seed: int = 2024) -> dict[str, Any]:
    """The ``number``-th benchmark credential: every one differs in ids, names, dates."""
    rng = random.Random(seed * 1_000_003 + number)
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    course = rng.choice(_COURSES)
    issued = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(500_000))
    skills = rng.sample(_SKILLS, k=rng.randint(1, 3))
    org = rng.randrange(1, 50)
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"https://badges.example.edu/credentials/{number}-{rng.getrandbits(48):012x}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{course} micro-credential",
        "description": f"Awarded to {name} for completing {course} ({rng.randint(2, 6)} ECTS).",
        "issuer": {
            "id": f"https://badges.example.edu/issuers/{org}",
            "type": ["Profile"],
            "name": f"Example University faculty {org}",
            "url": f"https://www.example.edu/faculties/{org}",
            "email": f"badges{org}@example.edu",
        },
        "validFrom": issued.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": (issued + timedelta(days=3 * 365)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"did:example:learner-{rng.getrandbits(64):016x}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${rng.getrandbits(256):064x}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": f"{rng.getrandbits(32):08x}",
                }
            ],
            "achievement": {
                "id": f"https://badges.example.edu/achievements/{course.lower().replace(' ', '-')}",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": course,
                "description": f"{course}: a {rng.randint(4, 12)}-week course at EQF level 6.",
                "criteria": {"narrative": f"Pass the {course} assessment with 60% or more."},
                "creditsAvailable": rng.choice([2, 3, 4.5, 5, 7.5]),
                "fieldOfStudy": "Information and Communication Technologies",
                "tag": [s[0] for s in skills],
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": skill,
                        "targetCode": code,
                        "targetUrl": url,
                        "targetFramework": "ESCO",
                        "targetType": "ceterms:Skill",
                    }
                    for skill, code, url in skills
                ],
                "resultDescription": [
                    {
                        "id": f"urn:uuid:{rng.getrandbits(128):032x}",
                        "type": ["ResultDescription"],
                        "name": "Final grade",
                        "resultType": "LetterGrade",
                        "allowedValue": ["A", "B", "C", "D", "E"],
                    }
                ],
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": f"urn:uuid:{rng.getrandbits(128):032x}",
                    "value": rng.choice("ABCDE"),
                }
            ],
        },
        "credentialSchema": [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
                "type": "JsonSchema",
            }
        ],
        "credentialStatus": {
            "id": f"https://badges.example.edu/status/{org}#{number}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(rng.randrange(131_072)),
            "statusListCredential": f"https://badges.example.edu/status/{org}",
        },
    }
