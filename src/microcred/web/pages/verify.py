"""``/verify``: check a credential by pasting it, uploading a file (JSON, VC-JWT, baked PNG
or SVG), entering its URL, or scanning a QR code (``/verify?url=...``).

Verification is :func:`microcred.credentials.verify.verify_bytes` with the app's fetcher
(:func:`microcred.web.api.issuing.local_fetcher`): this app's own DID documents, status
lists and hosted credentials are read from the database; anything else goes over HTTPS
through :class:`~microcred.verification.fetching.HttpsFetcher` (HTTPS only, no private
addresses, size and time limits), and only when ``MICROCRED_ALLOW_NETWORK`` is on.

The report page says in plain words what was checked (:func:`plain_report`); each check's
code and message and the credential JSON are one click away in ``<details>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import parse_qs, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from microcred.accounts.models import Organisation
from microcred.config import Settings
from microcred.credentials.dids import did_web_url
from microcred.credentials.errors import DidResolutionError, FetchError, MalformedDocument
from microcred.credentials.parsing import MAX_INPUT_BYTES
from microcred.credentials.report import Check, CheckStatus, VerificationReport
from microcred.credentials.verify import verify_bytes
from microcred.web.api.issuing import local_fetcher
from microcred.web.api.quality import trust_checks
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.rendering import page_router, render
from microcred.web.ratelimit import rate_limited

__all__ = [
    "MAX_UPLOAD_BYTES",
    "Finding",
    "ReportView",
    "plain_report",
    "router",
]

router = page_router()
_limited = Depends(rate_limited("verify"))

#: Largest credential accepted (pasted, uploaded or fetched): the core parser's limit.
MAX_UPLOAD_BYTES: Final = MAX_INPUT_BYTES
_MAX_URL: Final = 2000
_ACCEPT: Final = (
    "application/vc+ld+json, application/vc+jwt, application/vc, application/ld+json;q=0.9, "
    "application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, */*;q=0.1"
)

Tone = Literal["ok", "bad", "warn"]


@dataclass(frozen=True)
class Finding:
    """One plain-language line of the report: a topic, its outcome and what it means."""

    topic: str
    tone: Tone
    headline: str
    text: str = ""
    link: tuple[str, str] | None = None  # (label, href)


@dataclass
class ReportView:
    """A verification report ready for a page."""

    verified: bool
    kind: str
    findings: list[Finding]
    facts: list[tuple[str, str]]
    checks: list[Check]
    document: dict[str, Any] | None
    report_json: dict[str, Any]
    nested: list[ReportView] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.tone == "bad"]


def _text(value: Any) -> str | None:
    """A display string from a JSON value (a string, or a language map's first value)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("@value", "en", "name"):
            if isinstance(value.get(key), str):
                return str(value[key])
        for item in value.values():
            if isinstance(item, str):
                return item
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, dict) else {}


def _issuer(doc: dict[str, Any]) -> tuple[str | None, str | None]:
    """(issuer id, issuer name) of a credential document."""
    issuer = doc.get("issuer")
    if isinstance(issuer, str):
        return issuer, None
    if isinstance(issuer, dict):
        ident = issuer.get("id")
        return (ident if isinstance(ident, str) else None), _text(issuer.get("name"))
    return None, None


def _facts(doc: dict[str, Any]) -> list[tuple[str, str]]:
    subject = _first(doc.get("credentialSubject"))
    achievement = _first(subject.get("achievement"))
    facts: list[tuple[str, str]] = []
    name = _text(achievement.get("name")) or _text(doc.get("name"))
    if name:
        facts.append(("Credential", name))
    holder = _text(subject.get("name"))
    if holder is None:
        identifier = subject.get("id")
        if isinstance(identifier, str):
            holder = identifier
        elif subject.get("identifier"):
            holder = "A learner identified by a hashed e-mail address"
    if holder:
        facts.append(("Earned by", holder))
    issuer_id, issuer_name = _issuer(doc)
    if issuer_name or issuer_id:
        facts.append(("Issued by", issuer_name or issuer_id or ""))
    if issuer_id:
        facts.append(("Issuer identifier (DID)", issuer_id))
    for label, key in (
        ("Issued on", "validFrom"),
        ("Issued on", "issuanceDate"),
        ("Expires on", "validUntil"),
        ("Expires on", "expirationDate"),
    ):
        value = doc.get(key)
        if isinstance(value, str) and not any(f[0] == label for f in facts):
            facts.append((label, value))
    description = _text(achievement.get("description"))
    if description:
        facts.append(("Description", description))
    return facts


def _by_name(checks: list[Check], *names: str) -> list[Check]:
    return [c for c in checks if c.name in names]


def _failed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status is CheckStatus.FAILED]


def _passed(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status is CheckStatus.PASSED]


def _format_finding(checks: list[Check]) -> Finding | None:
    found = _by_name(checks, "well_formed", "contexts", "terms", "schema")
    if not found:
        return None
    failed = _failed(found)
    if failed:
        return Finding(
            "Format",
            "bad",
            "It is not a well-formed credential.",
            " ".join(c.message for c in failed[:3]),
        )
    return Finding(
        "Format",
        "ok",
        "It is a well-formed verifiable credential.",
        "Its structure and vocabulary follow the W3C Verifiable Credentials and Open Badges "
        "3.0 standards.",
    )


def _signature_finding(checks: list[Check]) -> Finding:
    found = _by_name(checks, "proof")
    failed = _failed(found)
    if any(c.code == "no_proof" for c in failed):
        return Finding(
            "Signature",
            "bad",
            "It is not signed.",
            "Without a digital signature nobody can tell who issued it or whether it was changed.",
        )
    if failed:
        return Finding(
            "Signature",
            "bad",
            "The digital signature does not match.",
            "The credential was changed after it was signed, or it was not signed with the "
            "key it names. Do not trust its contents.",
        )
    if _passed(found):
        return Finding(
            "Signature",
            "ok",
            "The digital signature is valid.",
            "Nothing in the credential has changed since it was signed.",
        )
    return Finding("Signature", "warn", "The signature could not be checked.")


def _issuer_finding(
    checks: list[Check], doc: dict[str, Any], org: Organisation | None
) -> list[Finding]:
    issuer_id, issuer_name = _issuer(doc)
    who = issuer_name or "The issuer"
    found = _by_name(checks, "issuer_key")
    failed = _failed(found)
    findings: list[Finding] = []
    did_link: tuple[str, str] | None = None
    if org is not None and org.did_method == "web":
        did_link = ("The issuer's DID document", f"/orgs/{org.slug}/did.json")
    elif issuer_id and issuer_id.startswith("did:web:"):
        try:
            did_link = ("The issuer's DID document", did_web_url(issuer_id))
        except DidResolutionError:
            did_link = None
    if failed:
        findings.append(
            Finding(
                "Issuer",
                "bad",
                "We could not confirm that the issuer signed it.",
                " ".join(c.message for c in failed[:2]),
                did_link,
            )
        )
    elif _passed(found):
        findings.append(
            Finding(
                "Issuer",
                "ok",
                f"{who} signed it.",
                f"The signing key belongs to the issuer's identifier {issuer_id}.",
                did_link,
            )
        )
    else:
        findings.append(
            Finding(
                "Issuer",
                "warn",
                "We could not check who signed it.",
                "No valid signature was found to attribute to the issuer.",
            )
        )
    if org is not None:
        findings.append(
            Finding(
                "Who vouches for the issuer",
                "ok",
                f"{org.name} is a provider registered on this service.",
                "Its identifier and keys are published by this service.",
                ("The provider's issuer profile", f"/orgs/{org.slug}/profile"),
            )
        )
    elif issuer_id:
        findings.append(
            Finding(
                "Who vouches for the issuer",
                "warn",
                "The issuer is not registered on this service.",
                f"The signature proves that whoever controls {issuer_id} issued it; check "
                "that this identifier really belongs to the organisation you expect.",
            )
        )
    return findings


def _status_finding(checks: list[Check]) -> Finding | None:
    found = _by_name(checks, "status")
    if not found:
        return None
    failed = _failed(found)
    codes = {c.code for c in failed}
    if "revoked" in codes:
        return Finding(
            "Status",
            "bad",
            "The issuer has revoked this credential.",
            "It is no longer valid, even though the signature is intact.",
        )
    if "suspended" in codes:
        return Finding(
            "Status", "bad", "The issuer has suspended this credential.", "It is not valid now."
        )
    if failed:
        return Finding(
            "Status",
            "bad",
            "We could not check whether it was revoked.",
            " ".join(c.message for c in failed[:2])
            + " A credential whose status cannot be checked is not accepted.",
        )
    if all(c.code == "no_status" for c in found):
        return Finding(
            "Status",
            "warn",
            "It has no revocation list.",
            "The issuer cannot revoke it, so its signature and dates are all there is to check.",
        )
    return Finding("Status", "ok", "The issuer has not revoked or suspended it.")


def _dates_finding(checks: list[Check]) -> Finding | None:
    found = _by_name(checks, "validity")
    if not found:
        return None
    check = found[0]
    if check.status is CheckStatus.FAILED:
        headline = "It has expired." if check.code == "expired" else "It is not valid yet."
        return Finding("Dates", "bad", headline, check.message)
    if check.status is CheckStatus.SKIPPED:
        return Finding("Dates", "warn", "It states no dates.", check.message)
    return Finding("Dates", "ok", "It is valid today.", check.message)


def _holder_finding(checks: list[Check]) -> Finding | None:
    found = _by_name(checks, "holder", "challenge", "domain")
    if not found:
        return None
    failed = _failed(found)
    if failed:
        return Finding(
            "Holder",
            "bad",
            "We could not confirm who presented it.",
            " ".join(c.message for c in failed[:2]),
        )
    return Finding("Holder", "ok", "The person who presented it signed the presentation.")


def _trust_findings(checks: list[Check]) -> list[Finding]:
    """Who vouches for the issuer (``issuer_trust``: accredited, listed, or a warning) and
    who endorses what it awards (``endorsements``), added by :mod:`microcred.quality`."""
    findings: list[Finding] = []
    for check in _by_name(checks, "issuer_trust"):
        if check.status is CheckStatus.PASSED:
            findings.append(Finding("Accreditation", "ok", check.message))
        else:
            findings.append(
                Finding(
                    "Accreditation",
                    "warn",
                    "No quality body we know of vouches for this issuer.",
                    check.message,
                )
            )
    for check in _passed(_by_name(checks, "endorsements")):
        items = (check.detail or {}).get("endorsements", [])
        text = " ".join(f'{item["endorser"]}: "{item["comment"]}"' for item in items[:5])
        findings.append(Finding("Endorsements", "ok", check.message, text))
    return findings


def _organisation(db: Session, doc: dict[str, Any]) -> Organisation | None:
    issuer_id, _ = _issuer(doc)
    if not issuer_id or len(issuer_id) > 500:
        return None
    return db.scalar(select(Organisation).where(Organisation.did == issuer_id))


def plain_report(db: Session, report: VerificationReport) -> ReportView:
    """The report as plain-language findings (signature, issuer, status, dates, format)."""
    doc = report.document or {}
    checks = list(report.checks)
    findings: list[Finding] = []
    fmt = _format_finding(checks)
    if fmt is not None and fmt.tone == "bad":
        findings.append(fmt)
    if report.kind == "presentation":
        holder = _holder_finding(checks)
        findings.append(_signature_finding(checks))
        if holder is not None:
            findings.append(holder)
    else:
        findings.append(_signature_finding(checks))
        findings.extend(_issuer_finding(checks, doc, _organisation(db, doc)))
        findings.extend(_trust_findings(checks))
        for finding in (_status_finding(checks), _dates_finding(checks)):
            if finding is not None:
                findings.append(finding)
    if fmt is not None and fmt.tone != "bad":
        findings.append(fmt)
    return ReportView(
        verified=report.verified,
        kind=report.kind,
        findings=findings,
        facts=_facts(doc) if report.kind != "presentation" else [],
        checks=checks,
        document=report.document,
        report_json=report.to_json(),
        nested=[plain_report(db, nested) for nested in report.credentials],
    )


# -- input ---------------------------------------------------------------------------------


class _InputProblem(Exception):
    """Input that cannot be verified: a message for the page and its status code."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _too_large(size: int | None) -> _InputProblem:
    got = f"This one is {_megabytes(size)}. " if size is not None else ""
    return _InputProblem(
        f"That is too large to be a credential: the limit is {_megabytes(MAX_UPLOAD_BYTES)}. "
        f"{got}Choose the credential file itself (JSON, JWT, or a PNG or SVG badge image).",
        413,
    )


def _read_upload(upload: UploadFile) -> bytes:
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise _too_large(upload.size)
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(upload.size)
    return data


def _unwrap_verify_link(url: str, settings: Settings) -> str:
    """A link to this page (``.../verify?url=X``, e.g. from a QR code) stands for X."""
    parts = urlsplit(url)
    base = urlsplit(settings.public_base_url)
    if parts.netloc == base.netloc and parts.path.rstrip("/").endswith("/verify"):
        inner = parse_qs(parts.query).get("url")
        if inner:
            return inner[0]
    return url


def _fetch(url: str, db: Session, settings: Settings, master_key: bytes) -> bytes:
    url = url.strip()
    if len(url) > _MAX_URL:
        raise _InputProblem(f"That address is too long (over {_MAX_URL} characters).")
    url = _unwrap_verify_link(url, settings)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _InputProblem(
            "Enter a web address that starts with https://, such as the link under a "
            "credential's QR code."
        )
    fetcher = local_fetcher(db, settings, master_key)
    try:
        data = fetcher.fetch(url, accept=_ACCEPT)
    except FetchError as exc:
        status = 400 if exc.code == "fetch_refused" else 502
        raise _InputProblem(
            f"We could not get a credential from that address: {exc.message}", status
        ) from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(len(data))
    return data


def _verify(data: bytes, db: Session, settings: Settings, master_key: bytes) -> ReportView:
    if not data.strip():
        raise _InputProblem("That is empty. Paste a credential or choose a file.")
    try:
        fetcher = local_fetcher(db, settings, master_key)
        report = trust_checks(verify_bytes(data, fetcher=fetcher), db, settings, fetcher)
    except MalformedDocument as exc:
        raise _InputProblem(
            f"That is not a credential we can read. {exc.message} A credential is a JSON "
            "document, a JWT, or a PNG or SVG badge image with a credential baked in."
        ) from None
    return plain_report(db, report)


def _page(
    request: Request,
    *,
    view: ReportView | None = None,
    error: str | None = None,
    status: int = 200,
    source: str = "",
    url: str = "",
    pasted: str = "",
) -> HTMLResponse:
    return render(
        request,
        "verify/index.html" if view is None else "verify/report.html",
        {
            "active_nav": "verify",
            "view": view,
            "error": error,
            "source": source,
            "url": url,
            "pasted": pasted,
            "max_bytes": MAX_UPLOAD_BYTES,
            "max_size": _megabytes(MAX_UPLOAD_BYTES),
        },
        status_code=status,
    )


@router.get("/verify", name="verify")
def verify_page(
    request: Request, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> HTMLResponse:
    url = request.query_params.get("url", "")
    if not url:
        return _page(request)
    rate_limited("verify")(request)
    try:
        view = _verify(_fetch(url, db, settings, master_key), db, settings, master_key)
    except _InputProblem as problem:
        return _page(request, error=problem.message, status=problem.status, url=url[:_MAX_URL])
    return _page(request, view=view, source=f"the address {url[:_MAX_URL]}", url=url)


def _submitted(
    form: FormData, db: Session, settings: Settings, master_key: bytes
) -> tuple[bytes, str]:
    """The bytes to verify from the form (file, else pasted text, else URL) and where from."""
    upload = form.get("file")
    pasted = form.get("credential")
    url = form.get("url")
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        return _read_upload(upload), f"the file {upload.filename or 'you uploaded'}"
    if isinstance(pasted, str) and pasted.strip():
        data = pasted.encode("utf-8")
        if len(data) > MAX_UPLOAD_BYTES:
            raise _too_large(len(data))
        return data, "the text you pasted"
    if isinstance(url, str) and url.strip():
        return _fetch(url, db, settings, master_key), f"the address {url.strip()[:_MAX_URL]}"
    raise _InputProblem("Paste a credential, choose a file, or enter the credential's web address.")


@router.post("/verify", dependencies=[_limited])
def verify_submit(
    request: Request,
    form: CheckedForm,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> HTMLResponse:
    try:
        data, source = _submitted(form, db, settings, master_key)
        view = _verify(data, db, settings, master_key)
    except _InputProblem as problem:
        url = form.get("url")
        pasted = form.get("credential")
        return _page(
            request,
            error=problem.message,
            status=problem.status,
            url=url[:_MAX_URL] if isinstance(url, str) else "",
            pasted=pasted[:100_000] if isinstance(pasted, str) else "",
        )
    return _page(request, view=view, source=source)
