"""``microcred keys``: generate and inspect signing keys."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import KeyPair, load_key_file, write_key_file

__all__ = ["app"]

app = typer.Typer(help="Generate and inspect signing keys.", no_args_is_help=True)


class KeyType(StrEnum):
    ed25519 = "ed25519"
    p256 = "p256"


_ALGORITHMS = {KeyType.ed25519: "Ed25519", KeyType.p256: "P-256"}


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Key file to write (mode 0600).")],
    key_type: Annotated[KeyType, typer.Option("--type", help="Key algorithm.")] = KeyType.ed25519,
    seed: Annotated[
        str | None,
        typer.Option("--seed", help="32-byte seed as 64 hex digits (Ed25519, reproducible)."),
    ] = None,
    controller: Annotated[
        str | None,
        typer.Option("--controller", help="Publish under this DID/URL instead of the did:key."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a key file holding the private key, the multikey and the did:key."""
    seed_bytes: bytes | None = None
    if seed is not None:
        if key_type is not KeyType.ed25519:
            raise KeyFormatError("--seed is only supported for --type ed25519.")
        try:
            seed_bytes = bytes.fromhex(seed)
        except ValueError:
            raise KeyFormatError("--seed must be 64 hexadecimal digits (32 bytes).") from None
        if len(seed_bytes) != 32:
            raise KeyFormatError(
                f"--seed must be 32 bytes (64 hex digits); got {len(seed_bytes)} bytes."
            )
    key = KeyPair.generate(_ALGORITHMS[key_type], seed=seed_bytes)
    key_file = write_key_file(out, key, controller=controller, overwrite=force)
    typer.echo(f"Wrote {out}")
    typer.echo(f"  algorithm:           {key.algorithm}")
    typer.echo(f"  did:key:             {key.did_key}")
    typer.echo(f"  verification method: {key_file.id}")
    typer.echo(f"  publicKeyMultibase:  {key.public.multibase}")


@app.command("show")
def show(key_path: Annotated[Path, typer.Argument(help="Key file.")]) -> None:
    """Print the public part of a key file (never the secret)."""
    key_file = load_key_file(key_path)
    public = {
        "id": key_file.id,
        "type": "Multikey",
        "controller": key_file.controller,
        "publicKeyMultibase": key_file.public.multibase,
        "algorithm": key_file.algorithm,
        "didKey": key_file.key.did_key if key_file.algorithm != "RSA" else None,
    }
    typer.echo(json.dumps(public, indent=2))
