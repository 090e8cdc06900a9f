"""The verification pipeline: one report, one entry per check.

Implements VC Data Model 2.0 section 7.1 ("Verification") and the OB 3.0 verification
steps (OB 3.0 spec, "Verification"), in this order for a credential:

1. ``well_formed``   JSON object with @context, type, issuer and credentialSubject
2. ``contexts``      every @context is a known, bundled context (never fetched)
3. ``terms``         every property and type is defined by the contexts (else unsigned)
4. ``schema``        the official OB 3.0 / VC 2.0 JSON Schema
5. ``proof``         one entry per proof (Data Integrity) or the JWT signature
6. ``issuer_key``    the issuer controls the key that made the passing proof
7. ``validity``      validFrom/validUntil (issuanceDate/expirationDate for VC 1.1)
8. ``status``        one entry per credentialStatus (revocation, suspension); fails closed

Presentations add ``holder`` (the proof key belongs to the holder), ``challenge`` and
``domain``, and carry a nested report for each credential inside.

Network access only goes through the ``fetcher`` argument; the default answers from
supplied documents and refuses everything else, so verification is offline unless the
caller says otherwise.

``status_cache`` (a :class:`~microcred.credentials.status.StatusListCache`, owned by the
caller) lets a status list whose exact bytes already passed verification skip the proof,
key, terms and schema checks; its validity window and proof times are still checked
against ``now``, and everything about the credential itself is checked every time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from microcred.credentials import datamodel, jsonld, schemas, status
from microcred.credentials.dids import (
    VerificationMethod,
    controller_document,
    is_authorized,
    resolve_verification_method,
)
from microcred.credentials.documents import (
    Fetcher,
    OfflineDocuments,
    fetch_json,
    parse_json_object,
)
from microcred.credentials.errors import (
    DidResolutionError,
    FetchError,
    KeyFormatError,
    UnknownContextError,
)
from microcred.credentials.parsing import parse_input
from microcred.credentials.proofs import DEFAULT_CLOCK_SKEW, verify_proofs
from microcred.credentials.proofs.datetimes import parse_datetime
from microcred.credentials.proofs.jwt import verify_jwt
from microcred.credentials.report import Check, CheckStatus, VerificationReport
from microcred.credentials.status.cache import StatusListCache, status_list_key
from microcred.errors import InvalidInput

__all__ = ["CLOCK_SKEW", "verify", "verify_bytes"]

#: Tolerance for clocks that are slightly off when comparing dates.
CLOCK_SKEW = timedelta(minutes=5)

_VC2 = "https://www.w3.org/ns/credentials/v2"
_VC1 = "https://www.w3.org/2018/credentials/v1"


def verify_bytes(
    data: bytes,
    *,
    fetcher: Fetcher | None = None,
    loader: jsonld.DocumentLoader | None = None,
    now: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    status_cache: StatusListCache | None = None,
) -> VerificationReport:
    """Verify raw input: JSON credential or presentation, compact VC-JWT, baked PNG/SVG.

    Raises :class:`~microcred.credentials.errors.MalformedDocument` when the input is not a
    credential at all (the CLI's exit code 2); everything else is a report.
    """
    parsed = parse_input(data)
    target: Mapping[str, Any] | str
    target = parsed.jwt if parsed.jwt is not None else (parsed.document or {})
    return verify(
        target,
        fetcher=fetcher,
        loader=loader,
        now=now,
        challenge=challenge,
        domain=domain,
        status_cache=status_cache,
    )


def verify(
    document: Mapping[str, Any] | str,
    *,
    fetcher: Fetcher | None = None,
    loader: jsonld.DocumentLoader | None = None,
    now: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    status_cache: StatusListCache | None = None,
) -> VerificationReport:
    """Verify a credential or presentation (a JSON object) or a compact VC-JWT string."""
    ctx = _Context(
        fetcher=fetcher if fetcher is not None else OfflineDocuments(),
        loader=loader if loader is not None else jsonld.DEFAULT_LOADER,
        now=now if now is not None else datetime.now(UTC),
        challenge=challenge,
        domain=domain,
        status_cache=status_cache,
    )
    if isinstance(document, str):
        return _verify_jwt_credential(document, ctx)
    if not isinstance(document, Mapping):
        report = VerificationReport(kind="unknown")
        report.add(
            Check.failed("well_formed", "not_an_object", "The document is not a JSON object.")
        )
        return report
    doc = dict(document)
    types = _types(doc)
    if "VerifiablePresentation" in types:
        return _verify_presentation(doc, ctx)
    return _verify_credential(doc, ctx)


class _Context:
    def __init__(
        self,
        *,
        fetcher: Fetcher,
        loader: jsonld.DocumentLoader,
        now: datetime,
        challenge: str | None,
        domain: str | None,
        status_cache: StatusListCache | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.status_cache = status_cache
        self.loader = loader
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)
        self.challenge = challenge
        self.domain = domain
        self.resolved: dict[str, VerificationMethod] = {}
        self.controllers: dict[str, dict[str, Any] | None] = {}

    def resolve(self, url: str) -> VerificationMethod:
        if url not in self.resolved:
            self.resolved[url] = resolve_verification_method(url, self.fetcher)
        return self.resolved[url]

    def authorized(self, party: str, vm: VerificationMethod, purpose: str) -> bool:
        """Whether ``party`` (issuer or holder) authorizes ``vm`` for ``purpose``.

        Uses the party's DID document or profile when it can be obtained; otherwise only a
        key published under the party's own identifier counts.
        """
        if party not in self.controllers:
            try:
                self.controllers[party] = controller_document(party, self.fetcher)
            except (FetchError, DidResolutionError):
                self.controllers[party] = None
        return is_authorized(vm, party, self.controllers[party], purpose)


# --------------------------------------------------------------------------- credentials


def _verify_credential(
    doc: dict[str, Any], ctx: _Context, *, jwt_check: Check | None = None, kind: str = "credential"
) -> VerificationReport:
    report = VerificationReport(kind=kind, document=doc)
    if not _check_well_formed(doc, report, presentation=False):
        return report
    contexts_ok = _check_contexts(doc, report, ctx)
    dataset = None
    if contexts_ok:
        dataset = _check_terms(doc, report, ctx)
    else:
        report.add(Check.skipped("terms", "contexts_unknown", "Skipped: a context is unknown."))
    _check_schema(doc, report)
    if jwt_check is not None:
        report.add(jwt_check)
        key_url = (jwt_check.detail or {}).get("verification_method")
        if jwt_check.status is not CheckStatus.PASSED:
            pass
        elif isinstance(key_url, str):
            _check_issuer_key(doc, report, ctx, key_url)
        else:
            report.add(
                Check.failed(
                    "issuer_key",
                    "issuer_key_unbound",
                    "The JWT carries its own public key (jwk header) and no key id, so it "
                    "proves the token is intact but not that the issuer made it.",
                )
            )
    elif contexts_ok:
        methods = _check_proofs(
            doc, report, ctx, purpose="assertionMethod", presentation=False, dataset=dataset
        )
        if methods:
            _check_issuer_key(doc, report, ctx, methods)
    else:
        report.add(
            Check.failed(
                "proof", "proof_unverifiable", "The proof cannot be checked: a context is unknown."
            )
        )
    _check_validity(doc, report, ctx)
    _check_status(doc, report, ctx)
    return report


def _check_well_formed(
    doc: dict[str, Any], report: VerificationReport, *, presentation: bool
) -> bool:
    """VC Data Model 2.0 structural rules (see :mod:`microcred.credentials.datamodel`)."""
    problems = (
        datamodel.presentation_problems(doc) if presentation else datamodel.credential_problems(doc)
    )
    if problems:
        report.add(
            Check.failed(
                "well_formed",
                "malformed",
                "The document is not a well-formed verifiable "
                + ("presentation" if presentation else "credential")
                + ": "
                + "; ".join(problems)
                + ".",
                problems=problems,
            )
        )
        return False
    first = _first_context(doc)
    version = "VC 1.1" if first == _VC1 else "VC 2.0"
    report.add(Check.passed("well_formed", "well_formed", f"Well-formed {version} document."))
    return True


def _first_context(doc: Mapping[str, Any]) -> Any:
    contexts = doc.get("@context")
    return contexts[0] if isinstance(contexts, list) and contexts else contexts


def _check_contexts(doc: dict[str, Any], report: VerificationReport, ctx: _Context) -> bool:
    contexts = doc.get("@context")
    urls = [
        c for c in (contexts if isinstance(contexts, list) else [contexts]) if isinstance(c, str)
    ]
    unknown: list[str] = []
    for url in urls:
        if isinstance(ctx.loader, jsonld.StaticLoader):
            # Same answer as calling it, without copying the context document.
            if url not in ctx.loader:
                unknown.append(url)
            continue
        try:
            ctx.loader(url)
        except UnknownContextError:
            unknown.append(url)
    if unknown:
        report.add(
            Check.failed(
                "contexts",
                "unknown_context",
                "Unknown JSON-LD context(s) "
                + ", ".join(unknown)
                + ": microcred never fetches contexts, so the meaning of this document cannot "
                "be established.",
                unknown=unknown,
            )
        )
        return False
    report.add(Check.passed("contexts", "contexts_known", f"All {len(urls)} contexts are known."))
    return True


def _check_terms(
    doc: dict[str, Any], report: VerificationReport, ctx: _Context
) -> jsonld.CheckedDataset | None:
    """Add the ``terms`` check; return the walked dataset of the unsecured document (the
    proof check canonicalizes it instead of walking the document again), if any."""
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    try:
        undefined, dataset = jsonld.undefined_terms_checked(unsigned, loader=ctx.loader)
    except InvalidInput as exc:
        report.add(Check.failed("terms", exc.code, f"The document is not valid JSON-LD: {exc}"))
        return None
    if undefined:
        report.add(
            Check.failed(
                "terms",
                "undefined_terms",
                "These members are not defined by any context, so the signature does not cover "
                "them, yet a reader would see them: " + ", ".join(undefined) + ".",
                terms=undefined,
            )
        )
        return dataset
    report.add(Check.passed("terms", "terms_defined", "Every term and type is defined."))
    return dataset


def _check_schema(doc: dict[str, Any], report: VerificationReport) -> None:
    if schemas.is_vc11_shaped(doc):
        report.add(
            Check.skipped(
                "schema",
                "schema_vc1",
                "VC 1.1-shaped credential: the official OB 3.0 schema targets VC 2.0, so it "
                "was not applied.",
            )
        )
        return
    issues = schemas.validate(doc)
    if issues:
        shown = "; ".join(f"{i.path or '/'}: {i.message}" for i in issues[:5])
        more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
        report.add(
            Check.failed(
                "schema",
                "schema_invalid",
                f"Does not match the {schemas.schema_for(doc)} JSON Schema: {shown}{more}.",
                issues=[{"path": i.path, "message": i.message} for i in issues],
            )
        )
        return
    report.add(
        Check.passed(
            "schema", "schema_valid", f"Matches the {schemas.schema_for(doc)} JSON Schema."
        )
    )


def _check_proofs(
    doc: dict[str, Any],
    report: VerificationReport,
    ctx: _Context,
    *,
    purpose: str,
    presentation: bool,
    dataset: jsonld.CheckedDataset | None = None,
) -> list[str]:
    """Add one ``proof`` check per proof; return the keys of the passing proofs.

    ``dataset``: the unsecured document's dataset from the terms check, if any."""
    if not doc.get("proof"):
        report.add(
            Check.failed(
                "proof",
                "no_proof",
                "The document has no proof, so nobody can tell who issued it or whether it "
                "was changed.",
            )
        )
        return []
    results = verify_proofs(
        doc,
        resolve=ctx.resolve,
        loader=ctx.loader,
        expected_purpose=purpose,
        challenge=ctx.challenge if presentation else None,
        domain=ctx.domain if presentation else None,
        now=ctx.now,
        dataset=dataset,
    )
    passing = [r for r in results if r.verified]
    methods: list[str] = []
    for r in results:
        label = r.cryptosuite or r.proof_type or "unknown"
        if r.verified:
            methods.append(r.verification_method or "")
            report.add(
                Check.passed(
                    "proof",
                    r.code,
                    f"Proof {r.proof_index + 1} ({label}) is valid: {r.message}",
                    verification_method=r.verification_method,
                )
            )
        elif passing and r.code == "unsupported_proof":
            # A proof set may carry proofs we do not know; one valid proof is enough.
            report.add(
                Check.skipped(
                    "proof",
                    r.code,
                    f"Proof {r.proof_index + 1} ({label}) is not supported and was not used: "
                    f"{r.message}",
                )
            )
        else:
            report.add(
                Check.failed(
                    "proof",
                    r.code,
                    f"Proof {r.proof_index + 1} ({label}) failed: {r.message}",
                    verification_method=r.verification_method,
                )
            )
    return methods


def _check_issuer_key(
    doc: dict[str, Any],
    report: VerificationReport,
    ctx: _Context,
    methods: str | list[str] | None,
) -> None:
    """The issuer controls the key of at least one verified proof (in a proof set or chain
    other parties, an endorser or a notary say, may add proofs of their own)."""
    issuer = datamodel.issuer_id(doc)
    candidates = [m for m in ([methods] if isinstance(methods, str) else methods or []) if m]
    if not candidates or issuer is None:
        report.add(Check.skipped("issuer_key", "no_key", "No verified key to attribute."))
        return
    refused: list[str] = []
    errors: list[tuple[str, str]] = []
    for method in dict.fromkeys(candidates):
        try:
            vm = ctx.resolve(method)
        except (FetchError, DidResolutionError, KeyFormatError) as exc:
            errors.append((exc.code, f"Cannot resolve {method}: {exc}"))
            continue
        if ctx.authorized(issuer, vm, "assertionMethod"):
            report.add(
                Check.passed(
                    "issuer_key",
                    "issuer_controls_key",
                    f"The key {vm.id} belongs to the issuer {issuer}.",
                )
            )
            return
        refused.append(vm.id)
    if refused:
        report.add(
            Check.failed(
                "issuer_key",
                "key_not_issuers",
                f"The proof was made with {', '.join(refused)}, which the issuer {issuer} does "
                "not list as one of its assertion keys: someone other than the issuer may have "
                "signed this.",
            )
        )
        return
    code, message = errors[0]
    report.add(Check.failed("issuer_key", code, message))


def _check_validity(doc: dict[str, Any], report: VerificationReport, ctx: _Context) -> None:
    start_name = "validFrom" if "validFrom" in doc else "issuanceDate"
    end_name = "validUntil" if "validUntil" in doc else "expirationDate"
    start = parse_datetime(doc.get(start_name))
    end = parse_datetime(doc.get(end_name))
    now = ctx.now
    if start is not None and start - CLOCK_SKEW > now:
        report.add(
            Check.failed(
                "validity",
                "not_yet_valid",
                f"The credential is not valid until {_fmt(start)} ({start_name}).",
            )
        )
        return
    if end is not None and end < now - CLOCK_SKEW:
        report.add(
            Check.failed(
                "validity", "expired", f"The credential expired on {_fmt(end)} ({end_name})."
            )
        )
        return
    if start is None and end is None:
        report.add(
            Check.skipped("validity", "no_dates", "The credential states no validity dates.")
        )
        return
    window = f"from {_fmt(start)}" if start else ""
    if end is not None:
        window += f"{' ' if window else ''}until {_fmt(end)}"
    else:
        window += ", no expiry"
    report.add(Check.passed("validity", "within_validity", f"Valid {window}."))


def _check_status(doc: dict[str, Any], report: VerificationReport, ctx: _Context) -> None:
    if not doc.get("credentialStatus"):
        report.add(
            Check.skipped("status", "no_status", "The credential has no status entry to check.")
        )
        return

    cache = ctx.status_cache
    # Cache keys of the lists fetched in this call, by document identity (the documents
    # stay referenced by the status checker for the whole call).
    keys: dict[int, tuple[Mapping[str, Any], str]] = {}

    def fetch_list(url: str) -> dict[str, Any]:
        if cache is None:
            return fetch_json(ctx.fetcher, url)
        data = ctx.fetcher.fetch(url)
        listed = parse_json_object(url, data)
        keys[id(listed)] = (listed, status_list_key(data, ctx.now))
        return listed

    def verify_list(listed: Mapping[str, Any]) -> bool:
        found = keys.get(id(listed))
        key = found[1] if found is not None and found[0] is listed else None
        if cache is not None and key is not None and cache.get(key) and _times_hold(listed, ctx):
            return True
        sub = _verify_credential(dict(listed), ctx, kind="status_list")
        # The list's own status is not consulted (that would recurse); everything else
        # (proof, issuer key, validity, terms) must pass.
        failures = [c for c in sub.failures if c.name != "status"]
        proof_ok = any(c.status is CheckStatus.PASSED and c.name == "proof" for c in sub.checks)
        verified = proof_ok and not failures
        if verified and cache is not None and key is not None:
            cache.put(key)
        return verified

    issuer = datamodel.issuer_id(doc)
    for result in status.check_status(
        doc, fetch_list, verify_list=verify_list, issuer_id=issuer, now=ctx.now
    ):
        detail: dict[str, Any] = {"purpose": result.purpose, "list": result.list_url}
        if result.warnings:
            detail["warnings"] = list(result.warnings)
        report.add(Check("status", CheckStatus(result.status), result.code, result.message, detail))


def _times_hold(listed: Mapping[str, Any], ctx: _Context) -> bool:
    """The time-dependent checks of a cached (already verified) list, against ``ctx.now``:
    its validity window as :func:`_check_validity` reads it, and each proof's ``created``
    (not in the future) and ``expires`` (not passed), as the proof check reads them. False
    sends the list through full verification again."""
    report = VerificationReport(kind="status_list")
    _check_validity(dict(listed), report, ctx)
    if report.failures:
        return False
    proofs = listed.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if not isinstance(proof, Mapping):
            return False
        if "created" in proof:
            created = parse_datetime(proof["created"])
            if created is None or created > ctx.now + DEFAULT_CLOCK_SKEW:
                return False
        if "expires" in proof:
            expires = parse_datetime(proof["expires"])
            if expires is None or expires <= ctx.now:
                return False
    return True


# --------------------------------------------------------------------------- presentations


def _verify_presentation(doc: dict[str, Any], ctx: _Context) -> VerificationReport:
    report = VerificationReport(kind="presentation", document=doc)
    if not _check_well_formed(doc, report, presentation=True):
        return report
    contexts_ok = _check_contexts(doc, report, ctx)
    if contexts_ok:
        dataset = _check_terms(doc, report, ctx)
        methods = _check_proofs(
            doc, report, ctx, purpose="authentication", presentation=True, dataset=dataset
        )
        holder = doc.get("holder")
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        if not methods:
            report.add(Check.skipped("holder", "no_key", "No verified proof to bind to a holder."))
        elif not isinstance(holder_id, str):
            report.add(
                Check.skipped(
                    "holder",
                    "no_holder",
                    "The presentation names no holder; its proof shows who signed it but "
                    "binds it to nobody in particular.",
                )
            )
        else:
            vm = ctx.resolve(methods[0])
            if ctx.authorized(holder_id, vm, "authentication"):
                report.add(
                    Check.passed("holder", "holder_bound", f"Signed by the holder {holder_id}.")
                )
            else:
                report.add(
                    Check.failed(
                        "holder",
                        "holder_mismatch",
                        f"Signed with {vm.id}, which the holder {holder_id} does not control.",
                    )
                )
        _check_binding(doc, report, ctx, "challenge")
        _check_binding(doc, report, ctx, "domain")
    creds = doc.get("verifiableCredential", [])
    for item in creds if isinstance(creds, list) else [creds]:
        if isinstance(item, dict) and item.get("type") == "EnvelopedVerifiableCredential":
            report.credentials.append(_verify_enveloped(item, ctx))
        elif isinstance(item, dict):
            report.credentials.append(_verify_credential(item, ctx))
        elif isinstance(item, str):
            report.credentials.append(_verify_jwt_credential(item, ctx))
    return report


def _check_binding(
    doc: dict[str, Any], report: VerificationReport, ctx: _Context, name: str
) -> None:
    expected = ctx.challenge if name == "challenge" else ctx.domain
    proofs = doc.get("proof")
    proof_list = proofs if isinstance(proofs, list) else [proofs]
    found = [p.get(name) for p in proof_list if isinstance(p, dict) and p.get(name) is not None]
    if expected is None:
        report.add(
            Check.skipped(
                name, f"no_expected_{name}", f"No {name} was expected, so none was checked."
            )
        )
        return
    values: list[Any] = []
    for item in found:
        values.extend(item if isinstance(item, list) else [item])
    if expected in values:
        report.add(
            Check.passed(name, f"{name}_matches", f"The proof is bound to the {name} {expected!r}.")
        )
    else:
        report.add(
            Check.failed(
                name,
                f"{name}_mismatch",
                f"The proof is not bound to the expected {name} {expected!r}; it may be replayed.",
            )
        )


def _verify_enveloped(item: dict[str, Any], ctx: _Context) -> VerificationReport:
    data_url = item.get("id")
    prefix = "data:application/vc+jwt,"
    if isinstance(data_url, str) and data_url.startswith(prefix):
        return _verify_jwt_credential(data_url[len(prefix) :], ctx)
    report = VerificationReport(kind="credential", document=item)
    report.add(
        Check.failed(
            "well_formed",
            "unsupported_envelope",
            "This enveloped credential format is not supported.",
        )
    )
    return report


# --------------------------------------------------------------------------- JWT


def _verify_jwt_credential(token: str, ctx: _Context) -> VerificationReport:
    result = verify_jwt(token, ctx.resolve, now=ctx.now)
    if result.credential is None:
        report = VerificationReport(kind="jwt")
        report.add(
            Check.failed("well_formed", result.code, f"Not a valid VC-JWT: {result.message}")
        )
        return report
    alg = (result.header or {}).get("alg", "?")
    method = result.method.id if result.method is not None else None
    if result.verified:
        check = Check.passed(
            "proof",
            result.code,
            f"JWT signature ({alg}) is valid: {result.message}",
            verification_method=method,
            key_source=result.key_source,
        )
    else:
        check = Check.failed("proof", result.code, f"JWT check failed: {result.message}")
    return _verify_credential(dict(result.credential), ctx, jwt_check=check, kind="jwt")


# --------------------------------------------------------------------------- helpers


def _types(doc: Mapping[str, Any]) -> list[str]:
    value = doc.get("type", doc.get("@type"))
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


def _fmt(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Resolver = Callable[[str], VerificationMethod]
