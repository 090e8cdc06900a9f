"""``microcred credential``: sign and verify credentials, bake and unbake badges."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.console import Console

from microcred.cli.output import print_report, read_bytes, write_text
from microcred.cli.quality import load_trust_registries
from microcred.credentials import baking, proofs
from microcred.credentials.documents import Fetcher, OfflineDocuments
from microcred.credentials.errors import FetchError
from microcred.credentials.keys import KeyFile, load_key_file
from microcred.credentials.parsing import parse_json_object
from microcred.credentials.proofs.jwt import issue_jwt
from microcred.credentials.verify import verify_bytes
from microcred.errors import InvalidInput, MicrocredError
from microcred.quality.trust import add_trust_check
from microcred.verification.fetching import HttpsFetcher, IPAddress, is_public_address

__all__ = ["app"]

app = typer.Typer(help="Sign, verify, bake and unbake credentials.", no_args_is_help=True)


class Suite(StrEnum):
    eddsa_rdfc_2022 = "eddsa-rdfc-2022"
    eddsa_jcs_2022 = "eddsa-jcs-2022"
    ecdsa_rdfc_2019 = "ecdsa-rdfc-2019"
    vc_jwt = "vc-jwt"


@app.command("sign")
def sign(
    files: Annotated[list[Path], typer.Argument(help="Unsigned credential JSON files.")],
    key: Annotated[Path, typer.Option("--key", help="Key file from `microcred keys generate`.")],
    suite: Annotated[Suite, typer.Option("--suite", help="Proof format.")] = Suite.eddsa_rdfc_2022,
    out: Annotated[Path | None, typer.Option("--out", help="Output file (one input only).")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="Directory for the signed files.")
    ] = None,
) -> None:
    """Sign unsigned credentials (many files in one process, for batches).

    A credential without an issuer id gets the key's controller (its DID); one naming a
    different issuer is refused. Missing ``id`` (urn:uuid) and ``validFrom`` (now) are
    filled in. Without --out/--out-dir a single result is printed to stdout.
    """
    if out is not None and out_dir is not None:
        raise InvalidInput("Use --out or --out-dir, not both.", code="bad_option")
    if out is not None and len(files) != 1:
        raise InvalidInput(
            "--out takes one input file; use --out-dir for several.", code="bad_option"
        )
    if out is None and out_dir is None and len(files) != 1:
        raise InvalidInput("Several inputs need --out-dir.", code="bad_option")
    key_file = load_key_file(key)
    # Parse everything first, so a bad file aborts before any output is written.
    documents = [
        (path, parse_json_object(read_bytes(path, what="credential file"), what=str(path)))
        for path in files
    ]
    for path, document in documents:
        prepared = _prepare(document, key_file, path)
        if suite is Suite.vc_jwt:
            text = issue_jwt(prepared, key_file.key, kid=key_file.id) + "\n"
            suffix = ".jwt"
        else:
            signed = proofs.sign(
                prepared, key_file.key, suite=suite.value, verification_method=key_file.id
            )
            text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
            suffix = ".json"
        if out is not None:
            write_text(out, text)
        elif out_dir is not None:
            target = out_dir / f"{path.stem}.signed{suffix}"
            write_text(target, text)
            typer.echo(f"{path} -> {target}", err=True)
        else:
            sys.stdout.write(text)


def _prepare(document: dict[str, Any], key_file: KeyFile, path: Path) -> dict[str, Any]:
    prepared = dict(document)
    if "proof" in prepared:
        raise InvalidInput(
            f"{path} already has a proof; sign the unsigned credential instead.",
            code="already_signed",
        )
    issuer = prepared.get("issuer")
    issuer_id = (
        issuer
        if isinstance(issuer, str)
        else issuer.get("id")
        if isinstance(issuer, dict)
        else None
    )
    if issuer_id is None:
        if isinstance(issuer, dict):
            prepared["issuer"] = {"id": key_file.controller, **issuer}
        else:
            prepared["issuer"] = {"id": key_file.controller, "type": ["Profile"]}
    elif issuer_id != key_file.controller:
        raise InvalidInput(
            f"{path}: the issuer is {issuer_id}, but the key belongs to {key_file.controller}. "
            "Sign with the issuer's key, or remove issuer.id to use the key's DID.",
            code="issuer_key_mismatch",
        )
    prepared.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    contexts = prepared.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first == "https://www.w3.org/ns/credentials/v2" and "validFrom" not in prepared:
        prepared["validFrom"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return prepared


@app.command("verify")
def verify(
    files: Annotated[
        list[Path],
        typer.Argument(help="Credentials, presentations, VC-JWTs or baked PNG/SVG badges."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
    documents: Annotated[
        list[str] | None,
        typer.Option(
            "--document",
            help="URL=FILE: use FILE for URL (a status list or DID document). Repeatable.",
        ),
    ] = None,
    challenge: Annotated[
        str | None, typer.Option("--challenge", help="Expected presentation challenge.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="Expected presentation domain.")
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never use the network; only --document files.")
    ] = False,
    allow_http: Annotated[
        bool,
        typer.Option(
            "--allow-http",
            help="Local development only: also fetch http:// URLs (e.g. the status lists of "
            "a dev server), and fetch a did:web DID document over http when HTTPS fails.",
        ),
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Local development only: allow loopback and private network addresses "
            "(refused by default, also with --allow-http).",
        ),
    ] = False,
    trust_registries: Annotated[
        list[str] | None,
        typer.Option(
            "--trust-registry",
            help="A trust registry FILE or URL (microcred JSON, its signed form, or the DCC "
            "issuer registry): report who accredited each issuer, or warn when none "
            "lists it. Repeatable.",
        ),
    ] = None,
) -> None:
    """Verify files. Exit 0 when all verify, 1 when any fails, 2 for bad input."""
    supplied = OfflineDocuments()
    for item in documents or []:
        url, sep, file_name = item.partition("=")
        if not sep or not url or not file_name:
            raise InvalidInput(f"--document takes URL=FILE; got {item!r}.", code="bad_option")
        supplied.add(url, read_bytes(Path(file_name), what="document file"))
    fetcher: Fetcher = (
        supplied
        if offline
        else _SuppliedThenNetwork(
            supplied, _network_fetcher(allow_http=allow_http, allow_private=allow_private)
        )
    )
    trust = load_trust_registries(trust_registries, fetcher) if trust_registries else None
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    any_failed = False
    bad_input = False
    for path in files:
        try:
            report = verify_bytes(
                read_bytes(path, what="file"), fetcher=fetcher, challenge=challenge, domain=domain
            )
        except MicrocredError as exc:
            bad_input = True
            if as_json:
                sys.stdout.write(
                    json.dumps(
                        {"file": str(path), "error": {"code": exc.code, "message": exc.message}}
                    )
                    + "\n"
                )
            else:
                sys.stderr.write(f"{path}: error [{exc.code}]: {exc.message}\n")
            continue
        if trust is not None:
            add_trust_check(report, trust)
        any_failed = any_failed or not report.verified
        if as_json:
            sys.stdout.write(json.dumps({"file": str(path), **report.to_json()}) + "\n")
        else:
            print_report(console, str(path), report)
    if bad_input:
        raise typer.Exit(2)
    if any_failed:
        raise typer.Exit(1)


def _network_fetcher(*, allow_http: bool, allow_private: bool) -> Fetcher:
    network = HttpsFetcher(
        allow_http=allow_http,
        address_policy=_local_or_public_address if allow_private else is_public_address,
    )
    return _DidWebOverHttp(network) if allow_http else network


def _local_or_public_address(address: IPAddress) -> bool:
    """``--allow-private``: any unicast address, loopback and private networks included."""
    return not (address.is_multicast or address.is_unspecified or address.is_reserved)


class _DidWebOverHttp:
    """``--allow-http``: did:web always names an https:// URL; a development server that
    speaks plain HTTP is asked again over http:// when the HTTPS connection fails."""

    def __init__(self, network: Fetcher) -> None:
        self._network = network

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        try:
            return self._network.fetch(url, accept=accept)
        except FetchError as exc:
            did_document = urlsplit(url).path.endswith("/did.json")
            if not (
                url.startswith("https://")
                and did_document
                and exc.code in ("fetch_tls", "fetch_failed")
            ):
                raise
            return self._network.fetch("http://" + url[len("https://") :], accept=accept)


class _SuppliedThenNetwork:
    """Documents the user supplied win; anything else goes to the HTTPS fetcher."""

    def __init__(self, supplied: OfflineDocuments, network: Fetcher) -> None:
        self._supplied = supplied
        self._network = network

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        if url in self._supplied:
            return self._supplied.fetch(url, accept=accept)
        return self._network.fetch(url, accept=accept)


@app.command("bake")
def bake(
    credential: Annotated[Path, typer.Argument(help="Signed credential (JSON) or VC-JWT file.")],
    image: Annotated[Path, typer.Option("--image", help="PNG or SVG badge image.")],
    out: Annotated[Path, typer.Option("--out", help="Baked image to write.")],
) -> None:
    """Embed a signed credential in a PNG or SVG badge image (OB 3.0 baking)."""
    payload = read_bytes(credential, what="credential file").decode("utf-8", "replace").strip()
    picture = read_bytes(image, what="image")
    if picture.startswith(b"\x89PNG"):
        baked = baking.bake_png(picture, payload)
    elif b"<svg" in picture[:65536].lower():
        baked = baking.bake_svg(picture, payload).encode("utf-8")
    else:
        raise InvalidInput(f"{image} is neither a PNG nor an SVG image.", code="unsupported_image")
    try:
        out.write_bytes(baked)
    except OSError as exc:
        raise InvalidInput(f"Cannot write {out}: {exc.strerror}.", code="file_unwritable") from None
    typer.echo(f"Wrote {out}")


@app.command("unbake")
def unbake(
    image: Annotated[Path, typer.Argument(help="Baked PNG or SVG badge.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the credential here.")] = None,
) -> None:
    """Extract the credential embedded in a baked PNG or SVG badge."""
    picture = read_bytes(image, what="image")
    payload = (
        baking.unbake_png(picture) if picture.startswith(b"\x89PNG") else baking.unbake_svg(picture)
    )
    if payload is None:
        raise InvalidInput(f"{image} carries no Open Badges credential.", code="not_baked")
    if out is None:
        sys.stdout.write(payload + "\n")
    else:
        write_text(out, payload + "\n")
