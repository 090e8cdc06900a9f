"""``microcred status``: Bitstring Status List credentials (create, set, clear, show)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from microcred.cli.output import read_bytes, write_json
from microcred.credentials import proofs
from microcred.credentials.errors import StatusListError
from microcred.credentials.keys import KeyFile, load_key_file
from microcred.credentials.parsing import parse_json_object
from microcred.credentials.status import Bitstring, status_entry, status_list_credential
from microcred.errors import InvalidInput

__all__ = ["app"]

app = typer.Typer(help="Create and update Bitstring Status List credentials.", no_args_is_help=True)


class Purpose(StrEnum):
    revocation = "revocation"
    suspension = "suspension"


@app.command("create")
def create(
    list_url: Annotated[str, typer.Option("--url", help="URL where the list will be served.")],
    key: Annotated[Path, typer.Option("--key", help="The issuer's key file.")],
    out: Annotated[Path, typer.Option("--out", help="Status list credential to write.")],
    purpose: Annotated[Purpose, typer.Option("--purpose")] = Purpose.revocation,
    size: Annotated[
        int, typer.Option("--size", help="Number of entries (at least 131072).")
    ] = 131_072,
) -> None:
    """Create a signed, all-clear status list credential."""
    key_file = load_key_file(key)
    bits = Bitstring(size)
    document = _build(list_url, key_file, purpose.value, bits)
    write_json(out, _sign(document, key_file))
    typer.echo(f"Wrote {out}: {purpose.value} list of {len(bits):,} entries at {list_url}")


@app.command("set")
def set_bit(
    list_file: Annotated[Path, typer.Argument(help="Status list credential file.")],
    index: Annotated[int, typer.Argument(help="Entry index.")],
    key: Annotated[Path, typer.Option("--key", help="The issuer's key file.")],
    out: Annotated[Path | None, typer.Option("--out", help="Default: update in place.")] = None,
) -> None:
    """Set an entry (revoke or suspend the credential at INDEX) and re-sign the list."""
    _update(list_file, index, key, out, value=True)


@app.command("clear")
def clear_bit(
    list_file: Annotated[Path, typer.Argument(help="Status list credential file.")],
    index: Annotated[int, typer.Argument(help="Entry index.")],
    key: Annotated[Path, typer.Option("--key", help="The issuer's key file.")],
    out: Annotated[Path | None, typer.Option("--out", help="Default: update in place.")] = None,
) -> None:
    """Clear an entry (for example lift a suspension) and re-sign the list."""
    _update(list_file, index, key, out, value=False)


@app.command("show")
def show(
    list_file: Annotated[Path, typer.Argument(help="Status list credential file.")],
    index: Annotated[int | None, typer.Argument(help="Entry index; omit for a summary.")] = None,
) -> None:
    """Show one entry, or which entries are set."""
    document = parse_json_object(read_bytes(list_file, what="status list"), what=str(list_file))
    subject, bits = _decode(document, list_file)
    purpose = subject.get("statusPurpose")
    if index is not None:
        _check_index(index, bits)
        state = "set" if bits.get(index) else "clear"
        typer.echo(f"{index}: {state} ({purpose})")
        return
    set_indices = bits.set_indices()
    summary = {
        "id": document.get("id"),
        "statusPurpose": purpose,
        "entries": len(bits),
        "set": len(set_indices),
        "setIndices": set_indices[:1000],
    }
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")


@app.command("entry")
def entry(
    list_url: Annotated[str, typer.Option("--url", help="The status list credential URL.")],
    index: Annotated[int, typer.Option("--index", help="Entry index in the list.")],
    purpose: Annotated[Purpose, typer.Option("--purpose")] = Purpose.revocation,
) -> None:
    """Print a BitstringStatusListEntry to put in a credential's credentialStatus."""
    sys.stdout.write(
        json.dumps(status_entry(list_url=list_url, index=index, purpose=purpose.value), indent=2)
        + "\n"
    )


def _build(url: str, key_file: KeyFile, purpose: str, bits: Bitstring) -> dict[str, Any]:
    return status_list_credential(
        id=url,
        issuer=key_file.controller,
        purpose=purpose,
        bitstring=bits,
        valid_from=datetime.now(UTC).replace(microsecond=0),
    )


def _sign(document: dict[str, Any], key_file: KeyFile) -> dict[str, Any]:
    return proofs.sign(document, key_file.key, verification_method=key_file.id)


def _decode(document: dict[str, Any], path: Path) -> tuple[dict[str, Any], Bitstring]:
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("encodedList"), str):
        raise StatusListError(
            f"{path} is not a BitstringStatusListCredential (no credentialSubject.encodedList)."
        )
    return subject, Bitstring.decode(subject["encodedList"])


def _check_index(index: int, bits: Bitstring) -> None:
    if not 0 <= index < len(bits):
        raise InvalidInput(
            f"Index {index} is outside the list (0..{len(bits) - 1}).", code="index_out_of_range"
        )


def _update(list_file: Path, index: int, key: Path, out: Path | None, *, value: bool) -> None:
    key_file = load_key_file(key)
    document = parse_json_object(read_bytes(list_file, what="status list"), what=str(list_file))
    subject, bits = _decode(document, list_file)
    _check_index(index, bits)
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != key_file.controller:
        raise InvalidInput(
            f"The list belongs to {issuer_id}, but the key belongs to {key_file.controller}.",
            code="issuer_key_mismatch",
        )
    bits.set(index, value)
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    unsigned["credentialSubject"] = {**subject, "encodedList": bits.encode()}
    target = out or list_file
    write_json(target, _sign(unsigned, key_file))
    state = "set" if value else "cleared"
    typer.echo(f"Entry {index} {state}; wrote {target}")
