"""Value types of the catalogue: definition fields, their vocabularies and their parsing.

A credential definition carries the Open Badges 3.0 Achievement fields and the standard
elements of the EU Council Recommendation on micro-credentials (2022/C 243/02, Annex I;
see ``standards/README.md`` section 5). :func:`parse_fields` turns untrusted JSON (API
bodies, ``microcred catalogue create --file``) into checked, normalised values and names
the first offending member in a :class:`~microcred.catalogue.errors.DefinitionInvalid`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from microcred.catalogue.errors import DefinitionInvalid

__all__ = [
    "ACHIEVEMENT_TYPES",
    "CURRENCIES",
    "DEFINITION_FIELDS",
    "DELIVERY_MODES",
    "PACES",
    "PARTICIPATION_FORMS",
    "STACKABILITY",
    "STATUSES",
    "SUPERVISION",
    "Status",
    "duration_days",
    "format_price",
    "normalise_language",
    "parse_fields",
    "parse_slug",
]

Status = Literal["draft", "published", "retired"]
STATUSES: Final = ("draft", "published", "retired")

DELIVERY_MODES: Final = ("online", "onsite", "blended")
PACES: Final = ("self-paced", "scheduled")
#: EU element 10, "form of participation in the learning activity".
PARTICIPATION_FORMS: Final = ("online", "onsite", "blended", "volunteering", "work-experience")
#: EU optional element "supervision and identity verification during assessment".
SUPERVISION: Final = ("unsupervised", "supervised", "supervised-online", "supervised-onsite")
#: EU optional element "integration/stackability options".
STACKABILITY: Final = ("standalone", "stackable")

#: OB 3.0 AchievementType values (an extensible vocabulary: ``ext:Name`` is allowed too).
ACHIEVEMENT_TYPES: Final = frozenset(
    [
        "Achievement",
        "ApprenticeshipCertificate",
        "Assessment",
        "Assignment",
        "AssociateDegree",
        "Award",
        "Badge",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "CommunityService",
        "Competency",
        "Course",
        "CoCurricular",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "Fieldwork",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "LearningProgram",
        "License",
        "Membership",
        "ProfessionalDoctorate",
        "QualityAssuranceCredential",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    ]
)
_EXT_TYPE = re.compile(r"ext:[A-Za-z0-9._-]+")

#: ISO 4217 active currency codes (funds, precious metals and test codes left out).
CURRENCIES: Final = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SLL",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VED",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
        "ZWL",
    ]
)

# RFC 5646 language tag, the common forms: language[-script][-region][-variant...].
_BCP47 = re.compile(
    r"(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*)"
)
# ISO 8601 duration, integer components (P6W, P3M, P1Y2M, PT40H, P1DT12H).
_DURATION = re.compile(
    r"P(?!$)(?:(?P<y>\d{1,3})Y)?(?:(?P<mo>\d{1,4})M)?(?:(?P<w>\d{1,4})W)?(?:(?P<d>\d{1,5})D)?"
    r"(?:T(?=\d)(?:(?P<h>\d{1,6})H)?(?:(?P<mi>\d{1,7})M)?)?"
)
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_URL = re.compile(r"(?:https?://[^\s]{1,2000}|data:image/[a-z+.-]{1,40};base64,[A-Za-z0-9+/=]+)")


def parse_slug(value: Any, *, field: str = "slug") -> str:
    """A URL-safe identifier: lowercase letters, digits and inner hyphens, 1-64 chars."""
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise DefinitionInvalid(
            "use 1-64 lowercase letters, digits and hyphens (not at the ends), "
            "for example 'python-data-101'.",
            field=field,
        )
    return value


def normalise_language(value: str) -> str | None:
    """A BCP 47 tag in its canonical case (``en``, ``pt-BR``, ``zh-Hant-TW``), or None."""
    match = _BCP47.fullmatch(value.strip())
    if match is None:
        return None
    parts = [match["lang"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts.extend(v.lower() for v in match["variants"].split("-") if v)
    return "-".join(parts)


def duration_days(value: str) -> int | None:
    """Whole days (rounded up) of an ISO 8601 duration; a month is 30 days, a year 365."""
    match = _DURATION.fullmatch(value)
    if match is None:
        return None
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    if not parts:
        return None
    return (
        parts.get("y", 0) * 365
        + parts.get("mo", 0) * 30
        + parts.get("w", 0) * 7
        + parts.get("d", 0)
        + math.ceil((parts.get("h", 0) * 60 + parts.get("mi", 0)) / 1440)
    )


def format_price(cents: int | None) -> str | None:
    """Hundredths of a currency unit as a decimal string (``19900`` -> ``"199.00"``)."""
    if cents is None:
        return None
    return f"{cents // 100}.{cents % 100:02d}"


def _text(value: Any, field: str, max_len: int, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise DefinitionInvalid("is required.", field=field)
        return None
    if not isinstance(value, str):
        raise DefinitionInvalid(f"must be a string, not {type(value).__name__}.", field=field)
    text = value.strip()
    if "\x00" in text:
        raise DefinitionInvalid("must not contain NUL characters.", field=field)
    if not text:
        if required:
            raise DefinitionInvalid("must not be empty.", field=field)
        return None
    if len(text) > max_len:
        raise DefinitionInvalid(f"is longer than {max_len} characters.", field=field)
    return text


def _choice(value: Any, field: str, choices: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in choices:
        raise DefinitionInvalid(f"must be one of {', '.join(choices)}; got {value!r}.", field=field)
    return str(value)


def _number(value: Any, field: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DefinitionInvalid("must be a number.", field=field)
    if not low <= value <= high:
        raise DefinitionInvalid(f"must be between {low:g} and {high:g}.", field=field)
    return float(value)


def _text_list(value: Any, field: str, max_items: int, max_len: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DefinitionInvalid("must be a list of strings.", field=field)
    if len(value) > max_items:
        raise DefinitionInvalid(f"has more than {max_items} items.", field=field)
    items: list[str] = []
    for index, item in enumerate(value):
        text = _text(item, f"{field}[{index}]", max_len, required=True)
        assert text is not None
        if text not in items:
            items.append(text)
    return items


def _parse_title(value: Any) -> str:
    text = _text(value, "title", 200, required=True)
    assert text is not None
    return text


def _parse_description(value: Any) -> str:
    text = _text(value, "description", 10_000, required=True)
    assert text is not None
    return text


def _parse_eqf(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
        raise DefinitionInvalid("must be an EQF level, an integer from 1 to 8.", field="eqf_level")
    return value


def _parse_duration(value: Any) -> str | None:
    text = _text(value, "duration", 40)
    if text is None:
        return None
    if duration_days(text) is None:
        raise DefinitionInvalid(
            "must be an ISO 8601 duration such as P6W (6 weeks), P3M or PT40H.",
            field="duration",
        )
    return text


def _parse_price(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DefinitionInvalid('must be a decimal amount such as "199.00".', field="price")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise DefinitionInvalid(
            'must be a decimal amount such as "199.00".', field="price"
        ) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise DefinitionInvalid("must be between 0 and 10000000.", field="price")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise DefinitionInvalid("must have at most two decimal places.", field="price")
    return int(cents)


def _parse_currency(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.upper() not in CURRENCIES:
        raise DefinitionInvalid(
            "must be an ISO 4217 currency code such as EUR or USD.", field="currency"
        )
    return value.upper()


def _parse_language(value: Any) -> str | None:
    text = _text(value, "language", 35)
    if text is None:
        return None
    tag = normalise_language(text)
    if tag is None:
        raise DefinitionInvalid(
            "must be a BCP 47 language tag such as en, fr or pt-BR.", field="language"
        )
    return tag


def _parse_bool(value: Any, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise DefinitionInvalid("must be true or false.", field=field)


def _parse_achievement_type(value: Any) -> str:
    if value is None:
        return "MicroCredential"
    if isinstance(value, str) and (value in ACHIEVEMENT_TYPES or _EXT_TYPE.fullmatch(value)):
        return value
    raise DefinitionInvalid(
        "must be an Open Badges 3.0 AchievementType (e.g. MicroCredential, Course) "
        "or an extension value ext:Name.",
        field="achievement_type",
    )


def _parse_url(value: Any, field: str) -> str | None:
    text = _text(value, field, 200_000)
    if text is None:
        return None
    if not _URL.fullmatch(text):
        raise DefinitionInvalid("must be an http(s) URL or a data:image URI.", field=field)
    return text


def _parse_skills(value: Any) -> list[str]:
    return _text_list(value, "skills", 100, 500)


_PARSERS: Final[dict[str, Any]] = {
    "title": _parse_title,
    "description": _parse_description,
    "learning_outcomes": lambda v: _text_list(v, "learning_outcomes", 50, 1000),
    "criteria_narrative": lambda v: _text(v, "criteria_narrative", 10_000),
    "criteria_url": lambda v: _parse_url(v, "criteria_url"),
    "skills": _parse_skills,
    "eqf_level": _parse_eqf,
    "workload_hours": lambda v: _number(v, "workload_hours", 0.5, 10_000),
    "ects": lambda v: _number(v, "ects", 0, 300),
    "duration": _parse_duration,
    "price": _parse_price,
    "currency": _parse_currency,
    "delivery_mode": lambda v: _choice(v, "delivery_mode", DELIVERY_MODES),
    "pace": lambda v: _choice(v, "pace", PACES),
    "language": _parse_language,
    "assessment_type": lambda v: _text(v, "assessment_type", 500),
    "participation_form": lambda v: _choice(v, "participation_form", PARTICIPATION_FORMS),
    "quality_assurance": lambda v: _text(v, "quality_assurance", 2000),
    "supervision": lambda v: _choice(v, "supervision", SUPERVISION),
    "identity_verification": lambda v: _parse_bool(v, "identity_verification"),
    "prerequisites": lambda v: _text(v, "prerequisites", 5000),
    "stackability": lambda v: _choice(v, "stackability", STACKABILITY),
    "achievement_type": _parse_achievement_type,
    "image_url": lambda v: _parse_url(v, "image_url"),
    "tags": lambda v: _text_list(v, "tags", 30, 60),
    "field_of_study": lambda v: _text(v, "field_of_study", 200),
}

#: Every member of a definition, in display order.
DEFINITION_FIELDS: Final[tuple[str, ...]] = tuple(_PARSERS)


def parse_fields(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Checked, normalised definition fields from untrusted JSON.

    With ``partial`` (an edit) only the members present are returned; otherwise (a new
    draft) ``title`` and ``description`` are required. Unknown members are refused so a
    typo never goes unnoticed. ``price`` comes back in hundredths of the currency unit.
    """
    if not isinstance(data, Mapping):
        raise DefinitionInvalid("must be a JSON object.", field="definition")
    unknown = sorted(str(key) for key in data if key not in _PARSERS and key != "slug")
    if unknown:
        raise DefinitionInvalid(
            f"unknown member(s) {', '.join(unknown)}; known: {', '.join(DEFINITION_FIELDS)}.",
            field=unknown[0],
        )
    result: dict[str, Any] = {}
    for name, parser in _PARSERS.items():
        if name in data:
            result[name] = parser(data[name])
        elif not partial and name in ("title", "description"):
            raise DefinitionInvalid("is required.", field=name)
    if not partial and "achievement_type" not in result:
        result["achievement_type"] = "MicroCredential"
    return result
