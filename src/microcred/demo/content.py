"""What the demo data set contains: users, providers, definitions and awards.

Plain data, no I/O. Every demo user signs in with :data:`DEMO_PASSWORD`. E-mail
addresses use the reserved ``.example`` top-level domain, so no mail can reach anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "AWARDS",
    "DEMO_PASSWORD",
    "PROVIDERS",
    "USERS",
    "DemoAward",
    "DemoDefinition",
    "DemoProvider",
    "DemoUser",
]

#: The password of every demo user (documented; never use the demo data in production).
DEMO_PASSWORD: Final = "demo-password"  # noqa: S105 - a documented demo password


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: str  # what the user is in the demo, for people
    platform_role: str | None = None


@dataclass(frozen=True)
class DemoDefinition:
    slug: str
    #: Definition fields (see microcred.catalogue.types.DEFINITION_FIELDS) except skills.
    fields: dict[str, Any]
    #: ESCO skill labels, looked up in the bundled ICT subset.
    skill_labels: tuple[str, ...]


@dataclass(frozen=True)
class DemoProvider:
    slug: str
    name: str
    owner_email: str
    url: str
    description: str
    country: str
    definitions: tuple[DemoDefinition, ...] = field(default=())


@dataclass(frozen=True)
class DemoAward:
    external_id: str
    provider: str
    definition: str
    learner_email: str
    learner_name: str
    result: str | None = None
    evidence_url: str | None = None
    valid_years: int | None = None
    #: Claimed into the learner's account (the learner has a user account).
    claimed: bool = True
    revoke_reason: str | None = None


ADMIN_EMAIL: Final = "admin@microcred.example"
EMPLOYER_EMAIL: Final = "recruiter@harbourfreight.example"

USERS: Final[tuple[DemoUser, ...]] = (
    DemoUser(ADMIN_EMAIL, "Platform Admin", "platform admin", platform_role="admin"),
    DemoUser("registrar@northbridge.example", "Nora Registrar", "owner of northbridge-university"),
    DemoUser("owner@skillforge.example", "Sam Forge", "owner of skillforge-academy"),
    DemoUser("learning@acme-logistics.example", "Alex Acme", "owner of acme-logistics-learning"),
    DemoUser("ada@learners.example", "Ada Lovelace", "learner"),
    DemoUser("ben@learners.example", "Ben Okafor", "learner"),
    DemoUser("chloe@learners.example", "Chloé Martin", "learner (Acme Logistics employee)"),
    DemoUser(EMPLOYER_EMAIL, "Riya Recruiter", "employer (checks credentials)"),
    DemoUser(
        "qa@eqa.example",
        "Quinn Reviewer",
        "quality body (owner of european-qa-agency)",
        platform_role="quality_body",
    ),
)


def _fields(**values: Any) -> dict[str, Any]:
    """Every EU element filled in: defaults shared by the demo definitions, then overrides."""
    base: dict[str, Any] = {
        "criteria_narrative": "Complete every assignment and pass the final assessment.",
        "currency": "EUR",
        "language": "en",
        "supervision": "supervised-online",
        "identity_verification": True,
        "stackability": "stackable",
        "achievement_type": "MicroCredential",
        "field_of_study": "Information and Communication Technologies",
    }
    base.update(values)
    return base


PROVIDERS: Final[tuple[DemoProvider, ...]] = (
    DemoProvider(
        slug="northbridge-university",
        name="Northbridge University",
        owner_email="registrar@northbridge.example",
        url="https://northbridge.example",
        description="A public research university offering short courses for professionals.",
        country="NL",
        definitions=(
            DemoDefinition(
                slug="python-data-analysis",
                fields=_fields(
                    title="Python for Data Analysis",
                    description=(
                        "Clean, analyse and visualise tabular data with Python, pandas and "
                        "matplotlib, and explain the findings to non-specialists."
                    ),
                    learning_outcomes=[
                        "Load, clean and reshape tabular data with pandas",
                        "Choose and compute descriptive statistics for a question",
                        "Build clear charts and a short written analysis",
                    ],
                    criteria_narrative=(
                        "Six graded notebooks and a final data-analysis project, assessed by a "
                        "tutor against the published rubric (pass mark 55%)."
                    ),
                    eqf_level=6,
                    workload_hours=125,
                    ects=5,
                    duration="P10W",
                    price="450.00",
                    delivery_mode="online",
                    pace="scheduled",
                    assessment_type="Graded notebooks and a final project marked by a tutor",
                    participation_form="online",
                    quality_assurance=(
                        "Accredited by the Dutch-Flemish accreditation organisation (NVAO) "
                        "as part of the university's institutional accreditation."
                    ),
                    prerequisites="Secondary-school mathematics.",
                    tags=["python", "data analysis", "pandas"],
                ),
                skill_labels=("Python (computer programming)", "data mining", "data models"),
            ),
            DemoDefinition(
                slug="cloud-architecture",
                fields=_fields(
                    title="Cloud Architecture Fundamentals",
                    description=(
                        "Design, deploy and secure applications on public cloud platforms, "
                        "from virtual networks to managed databases."
                    ),
                    learning_outcomes=[
                        "Design a resilient cloud architecture for a web application",
                        "Deploy cloud resources reproducibly",
                        "Apply cloud security and compliance controls",
                    ],
                    eqf_level=6,
                    workload_hours=150,
                    ects=6,
                    duration="P12W",
                    price="600.00",
                    delivery_mode="blended",
                    pace="scheduled",
                    assessment_type="Design report and a supervised practical exam",
                    participation_form="blended",
                    supervision="supervised-onsite",
                    quality_assurance=(
                        "Accredited by the Dutch-Flemish accreditation organisation (NVAO) "
                        "as part of the university's institutional accreditation."
                    ),
                    prerequisites="Basic networking and Linux command-line skills.",
                    tags=["cloud", "architecture"],
                ),
                skill_labels=(
                    "design cloud architecture",
                    "deploy cloud resource",
                    "cloud security and compliance",
                ),
            ),
        ),
    ),
    DemoProvider(
        slug="skillforge-academy",
        name="Skillforge Academy",
        owner_email="owner@skillforge.example",
        url="https://skillforge.example",
        description="A private training company for software professionals.",
        country="DE",
        definitions=(
            DemoDefinition(
                slug="sql-databases",
                fields=_fields(
                    title="SQL and Relational Databases",
                    description=(
                        "Model data, write correct SQL queries and design relational "
                        "database schemas for business applications."
                    ),
                    learning_outcomes=[
                        "Write SQL queries with joins, grouping and subqueries",
                        "Design a normalised database schema from requirements",
                        "Explain transactions and indexes and when to use them",
                    ],
                    eqf_level=5,
                    workload_hours=50,
                    ects=2,
                    duration="P4W",
                    price="299.00",
                    delivery_mode="online",
                    pace="self-paced",
                    assessment_type="Automatically graded exercises and an online exam",
                    participation_form="online",
                    quality_assurance=(
                        "ISO 21001 certified training provider; courses reviewed yearly by an "
                        "external panel."
                    ),
                    prerequisites="None.",
                    tags=["sql", "databases"],
                ),
                skill_labels=("SQL", "design database scheme", "database"),
            ),
            DemoDefinition(
                slug="agile-delivery",
                fields=_fields(
                    title="Agile Software Delivery",
                    description=(
                        "Plan and deliver software in short iterations with Scrum and Kanban, "
                        "working with stakeholders and measuring flow."
                    ),
                    learning_outcomes=[
                        "Run Scrum events and maintain a product backlog",
                        "Use Kanban boards and flow metrics to improve delivery",
                    ],
                    eqf_level=5,
                    workload_hours=25,
                    ects=1,
                    duration="P2W",
                    price="180.00",
                    delivery_mode="onsite",
                    pace="scheduled",
                    assessment_type="Team simulation observed by a trainer, with a reflection",
                    participation_form="onsite",
                    supervision="supervised-onsite",
                    quality_assurance=(
                        "ISO 21001 certified training provider; courses reviewed yearly by an "
                        "external panel."
                    ),
                    prerequisites="Some experience in a software team.",
                    stackability="standalone",
                    tags=["agile", "scrum"],
                ),
                skill_labels=("Agile development",),
            ),
        ),
    ),
    DemoProvider(
        slug="acme-logistics-learning",
        name="Acme Logistics Learning",
        owner_email="learning@acme-logistics.example",
        url="https://acme-logistics.example/learning",
        description="The in-house academy of Acme Logistics, training its own staff.",
        country="BE",
        definitions=(
            DemoDefinition(
                slug="warehouse-data",
                fields=_fields(
                    title="Warehouse Data Essentials",
                    description=(
                        "Keep warehouse and logistics databases accurate and use their data "
                        "to spot stock and routing problems early."
                    ),
                    learning_outcomes=[
                        "Maintain warehouse database records to the company standard",
                        "Detect and correct inconsistent stock data",
                    ],
                    eqf_level=4,
                    workload_hours=16,
                    ects=0.5,
                    duration="P1W",
                    price="0.00",
                    delivery_mode="blended",
                    pace="self-paced",
                    assessment_type="Workplace assessment by a certified supervisor",
                    participation_form="work-experience",
                    supervision="supervised-onsite",
                    quality_assurance=(
                        "Internal quality assurance by Acme's learning board, audited yearly "
                        "by the sector training fund."
                    ),
                    prerequisites="Employment at Acme Logistics.",
                    field_of_study="Transport services",
                    tags=["logistics", "warehouse"],
                ),
                skill_labels=("maintain warehouse database", "maintain logistics databases"),
            ),
            DemoDefinition(
                slug="security-awareness",
                fields=_fields(
                    title="Cyber Security Awareness",
                    description=(
                        "Recognise security risks at work, protect personal data and follow "
                        "the company's security standards."
                    ),
                    learning_outcomes=[
                        "Identify common ICT security risks such as phishing",
                        "Handle personal data according to data-protection rules",
                    ],
                    eqf_level=3,
                    workload_hours=8,
                    ects=0.25,
                    duration="P3D",
                    price="0.00",
                    delivery_mode="online",
                    pace="self-paced",
                    assessment_type="Online quiz with a supervised retake",
                    participation_form="online",
                    supervision="unsupervised",
                    identity_verification=False,
                    quality_assurance=(
                        "Internal quality assurance by Acme's learning board, audited yearly "
                        "by the sector training fund."
                    ),
                    prerequisites="None.",
                    stackability="standalone",
                    tags=["security", "gdpr"],
                ),
                skill_labels=("identify ICT security risks", "data protection"),
            ),
        ),
    ),
)

AWARDS: Final[tuple[DemoAward, ...]] = (
    DemoAward(
        "demo-1",
        "northbridge-university",
        "python-data-analysis",
        "ada@learners.example",
        "Ada Lovelace",
        result="Passed with distinction",
        evidence_url="https://northbridge.example/projects/ada-final",
    ),
    DemoAward(
        "demo-2",
        "skillforge-academy",
        "sql-databases",
        "ada@learners.example",
        "Ada Lovelace",
        result="Passed",
    ),
    DemoAward(
        "demo-3",
        "northbridge-university",
        "cloud-architecture",
        "ben@learners.example",
        "Ben Okafor",
        result="Passed",
    ),
    DemoAward(
        "demo-4",
        "skillforge-academy",
        "agile-delivery",
        "ben@learners.example",
        "Ben Okafor",
        revoke_reason="Awarded in error",
    ),
    DemoAward(
        "demo-5",
        "acme-logistics-learning",
        "warehouse-data",
        "chloe@learners.example",
        "Chloé Martin",
        result="Competent",
    ),
    DemoAward(
        "demo-6",
        "acme-logistics-learning",
        "security-awareness",
        "chloe@learners.example",
        "Chloé Martin",
        result="Passed",
        valid_years=2,
    ),
)


#: Learners who opted in to a public profile and to being found by employers, with the
#: headline their profile shows.
DISCOVERABLE_LEARNERS: tuple[tuple[str, str], ...] = (
    ("ada@learners.example", "Data analyst moving into software engineering"),
    ("ben@learners.example", "Junior developer, agile teams"),
)
