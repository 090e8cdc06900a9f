"""``microcred credential demo``: the credential engine end to end, offline (no database).

Generates an issuer key, builds an Open Badges 3.0 micro-credential with a revocation
status entry, signs it (eddsa-rdfc-2022), signs a status list, verifies the credential,
then revokes it and verifies again. Files are written to the output directory so they can
be inspected and re-verified with ``microcred credential verify``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from microcred.cli.output import print_report, write_json
from microcred.credentials import proofs
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.keys import KeyFile, KeyPair
from microcred.credentials.model import (
    Achievement,
    Alignment,
    Criteria,
    IdentityObject,
    Profile,
    build_achievement_credential,
    eqf_alignment,
)
from microcred.credentials.status import Bitstring, status_entry, status_list_credential
from microcred.credentials.verify import verify

__all__ = ["run_demo"]

LIST_URL = "https://demo.microcred.example/status/revocation/1"
DEMO_SEED = bytes.fromhex("9b" * 32)


def run_demo(
    out_dir: Annotated[
        Path, typer.Option("--out-dir", help="Where to write the demo files.")
    ] = Path("var/demo"),
) -> None:
    """Generate a key, sign a sample micro-credential, verify it, revoke it, verify again."""
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    now = datetime.now(UTC).replace(microsecond=0)
    key = KeyPair.generate("Ed25519", seed=DEMO_SEED)
    key_file = KeyFile.for_key(key)
    issuer = key_file.controller
    console.print(f"[bold]1. Issuer key[/bold] {key.algorithm}, {issuer}")

    achievement = Achievement(
        id="https://demo.microcred.example/definitions/python-data-101/v1",
        name="Python for Data Analysis",
        description=(
            "Cleans, analyses and visualises tabular data with Python, pandas and matplotlib."
        ),
        criteria=Criteria(
            narrative=(
                "Completed six graded notebooks and a final project analysing a public "
                "data set, assessed by a tutor against the published rubric."
            )
        ),
        achievement_type="MicroCredential",
        credits_available=3.0,
        field_of_study="Information and Communication Technologies",
        in_language="en",
        tag=("python", "data analysis"),
        alignment=(
            eqf_alignment(5),
            Alignment(
                target_name="Python (computer programming)",
                target_url="http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
                target_framework="ESCO",
                target_type="ext:ESCOSkill",
            ),
        ),
    )
    index = 94_567
    unsigned = build_achievement_credential(
        id="urn:uuid:6a4e2b9c-1f0e-4e59-9a57-3c1b0c4c8f21",
        issuer=Profile(id=issuer, name="Demo Institute of Technology"),
        achievement=achievement,
        valid_from=now,
        valid_until=now + timedelta(days=3 * 365),
        identifier=[IdentityObject.for_email("learner@example.org", salt="demo-salt")],
        credential_status=status_entry(list_url=LIST_URL, index=index, purpose="revocation"),
    )
    signed = proofs.sign(unsigned, key, verification_method=key_file.id)
    console.print(
        f"[bold]2. Signed[/bold] {signed['name']!r} with {signed['proof']['cryptosuite']}"
    )

    bits = Bitstring()
    status_list = proofs.sign(
        status_list_credential(
            id=LIST_URL, issuer=issuer, purpose="revocation", bitstring=bits, valid_from=now
        ),
        key,
        verification_method=key_file.id,
    )
    write_json(out_dir / "issuer-key.json", key_file.to_json())
    write_json(out_dir / "credential.json", signed)
    write_json(out_dir / "status-list.json", status_list)

    console.print("[bold]3. Verify[/bold] (offline, the status list supplied by URL)")
    report = verify(signed, fetcher=OfflineDocuments({LIST_URL: status_list}))
    print_report(console, "credential.json", report, indent=3)

    bits.set(index)
    revoked_list = proofs.sign(
        status_list_credential(
            id=LIST_URL, issuer=issuer, purpose="revocation", bitstring=bits, valid_from=now
        ),
        key,
        verification_method=key_file.id,
    )
    write_json(out_dir / "status-list-revoked.json", revoked_list)
    console.print(f"[bold]4. Revoke[/bold] entry {index} and verify again")
    revoked = verify(signed, fetcher=OfflineDocuments({LIST_URL: revoked_list}))
    print_report(console, "credential.json", revoked, indent=3)

    console.print(f"\nFiles are in {out_dir}/. Verify them yourself:")
    console.print(
        f"  microcred credential verify {out_dir}/credential.json --offline "
        f"--document {LIST_URL}={out_dir}/status-list.json"
    )
    if not report.verified or revoked.verified:
        console.print("[red]The demo did not behave as expected.[/red]")
        console.print(json.dumps(report.to_json(), indent=2))
        raise typer.Exit(1)
