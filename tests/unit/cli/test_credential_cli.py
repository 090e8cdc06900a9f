"""The issue-2 command line: keys, sign, verify, status, bake, demo (exit codes 0/1/2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main
from support.images import tiny_png

SEED = "11" * 32
UNSIGNED: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"type": ["Profile"], "name": "CLI Academy"},
    "validFrom": "2025-01-01T00:00:00Z",
    "name": "Git Fundamentals",
    "credentialSubject": {
        "id": "did:example:learner",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://cli.example/achievements/git",
            "type": ["Achievement"],
            "name": "Git Fundamentals",
            "description": "Branches, merges and rebases with Git.",
            "criteria": {"narrative": "Completed the Git lab."},
        },
    },
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "issuer.json"
    code, out, _ = run(["keys", "generate", "--out", str(path), "--seed", SEED], capsys)
    assert code == 0
    assert "did:key:z6Mk" in out
    return path


def _write(tmp_path: Path, name: str, value: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value))
    return path


def test_keys_generate_writes_private_key_multikey_and_did(key: Path) -> None:
    data = json.loads(key.read_text())
    assert data["type"] == "Multikey"
    assert data["publicKeyMultibase"].startswith("z6Mk")
    assert data["secretKeyMultibase"].startswith("z")
    assert data["controller"].startswith("did:key:z6Mk")
    assert data["id"] == f"{data['controller']}#{data['publicKeyMultibase']}"
    assert key.stat().st_mode & 0o077 == 0


def test_keys_generate_is_reproducible_from_a_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outs = []
    for name in ("a.json", "b.json"):
        run(["keys", "generate", "--out", str(tmp_path / name), "--seed", SEED], capsys)
        outs.append(json.loads((tmp_path / name).read_text())["publicKeyMultibase"])
    assert outs[0] == outs[1]


def test_keys_generate_p256(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["keys", "generate", "--out", str(tmp_path / "p.json"), "--type", "p256"], capsys
    )
    assert code == 0
    assert "did:key:zDn" in out


@pytest.mark.parametrize("seed", ["abc", "zz" * 32, "11" * 31])
def test_bad_seed_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: str) -> None:
    code, _, err = run(
        ["keys", "generate", "--out", str(tmp_path / "k.json"), "--seed", seed], capsys
    )
    assert code == 2
    assert "seed" in err


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc-jwt"])
def test_sign_then_verify(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str], suite: str
) -> None:
    source = _write(tmp_path, "git.json", UNSIGNED)
    out = tmp_path / ("signed.jwt" if suite == "vc-jwt" else "signed.json")
    code, _, err = run(
        ["credential", "sign", str(source), "--key", str(key), "--suite", suite, "--out", str(out)],
        capsys,
    )
    assert code == 0, err
    code, stdout, _ = run(["credential", "verify", str(out), "--offline"], capsys)
    assert code == 0, stdout
    assert "VERIFIED" in stdout
    code, stdout, _ = run(["credential", "verify", str(out), "--offline", "--json"], capsys)
    result = json.loads(stdout)
    assert result["verified"] is True
    assert result["file"] == str(out)


def test_sign_ecdsa_with_p256(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "p.json"
    run(["keys", "generate", "--out", str(key), "--type", "p256"], capsys)
    source = _write(tmp_path, "git.json", UNSIGNED)
    out = tmp_path / "signed.json"
    code, _, err = run(
        [
            "credential",
            "sign",
            str(source),
            "--key",
            str(key),
            "--suite",
            "ecdsa-rdfc-2019",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    assert json.loads(out.read_text())["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert run(["credential", "verify", str(out), "--offline"], capsys)[0] == 0


def test_sign_many_files_into_a_directory(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(_write(tmp_path, f"c{i}.json", UNSIGNED)) for i in range(3)]
    out_dir = tmp_path / "signed"
    code, _, _ = run(
        ["credential", "sign", *files, "--key", str(key), "--out-dir", str(out_dir)], capsys
    )
    assert code == 0
    signed = sorted(out_dir.iterdir())
    assert len(signed) == 3
    ids = {json.loads(p.read_text())["id"] for p in signed}
    assert len(ids) == 3  # each got its own urn:uuid
    code, _, _ = run(["credential", "verify", *map(str, signed), "--offline"], capsys)
    assert code == 0


def test_issuer_id_is_filled_from_the_key(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.json"
    run(
        [
            "credential",
            "sign",
            str(_write(tmp_path, "u.json", UNSIGNED)),
            "--key",
            str(key),
            "--out",
            str(out),
        ],
        capsys,
    )
    signed = json.loads(out.read_text())
    controller = json.loads(key.read_text())["controller"]
    assert signed["issuer"]["id"] == controller
    assert signed["issuer"]["name"] == "CLI Academy"


def test_different_issuer_id_is_refused(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = {**UNSIGNED, "issuer": {"id": "did:example:someone-else", "type": ["Profile"]}}
    out = tmp_path / "s.json"
    code, _, err = run(
        [
            "credential",
            "sign",
            str(_write(tmp_path, "u.json", other)),
            "--key",
            str(key),
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 2
    assert "issuer" in err
    assert not out.exists()


def test_undefined_term_is_refused_when_signing(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = json.loads(json.dumps(UNSIGNED))
    bad["credentialSubject"]["favouriteColour"] = "blue"
    code, _, err = run(
        ["credential", "sign", str(_write(tmp_path, "u.json", bad)), "--key", str(key)], capsys
    )
    assert code == 2
    assert "favouriteColour" in err


def test_tampered_credential_exits_1(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.json"
    run(
        [
            "credential",
            "sign",
            str(_write(tmp_path, "u.json", UNSIGNED)),
            "--key",
            str(key),
            "--out",
            str(out),
        ],
        capsys,
    )
    signed = json.loads(out.read_text())
    signed["name"] = "Git Wizardry"
    tampered = _write(tmp_path, "t.json", signed)
    code, stdout, _ = run(["credential", "verify", str(tampered), "--offline"], capsys)
    assert code == 1
    assert "FAIL" in stdout and "proof" in stdout


@pytest.mark.parametrize("content", [b"{oops", b"[]", b"", b"\x00\x01\x02", b"plain text"])
def test_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, _, err = run(["credential", "verify", str(path), "--offline"], capsys)
    assert code == 2
    assert "error [" in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["credential", "verify", str(tmp_path / "nope.json")], capsys)
    assert code == 2
    assert "No such file" in err


def test_status_list_revocation_flow(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://cli.example/status/1"
    status_file = tmp_path / "status.json"
    code, _, err = run(
        ["status", "create", "--url", url, "--key", str(key), "--out", str(status_file)], capsys
    )
    assert code == 0, err
    code, entry_json, _ = run(["status", "entry", "--url", url, "--index", "42"], capsys)
    credential = {**UNSIGNED, "credentialStatus": json.loads(entry_json)}
    signed = tmp_path / "signed.json"
    run(
        [
            "credential",
            "sign",
            str(_write(tmp_path, "u.json", credential)),
            "--key",
            str(key),
            "--out",
            str(signed),
        ],
        capsys,
    )
    document = f"{url}={status_file}"
    code, out, _ = run(
        ["credential", "verify", str(signed), "--offline", "--document", document], capsys
    )
    assert code == 0, out
    # Without the status list, verification fails closed.
    code, out, _ = run(["credential", "verify", str(signed), "--offline"], capsys)
    assert code == 1
    assert run(["status", "set", str(status_file), "42", "--key", str(key)], capsys)[0] == 0
    code, out, _ = run(["status", "show", str(status_file), "42"], capsys)
    assert "42: set" in out
    code, out, _ = run(
        ["credential", "verify", str(signed), "--offline", "--document", document, "--json"], capsys
    )
    assert code == 1
    assert any(c["code"] == "revoked" for c in json.loads(out)["checks"])
    assert run(["status", "clear", str(status_file), "42", "--key", str(key)], capsys)[0] == 0
    assert (
        run(["credential", "verify", str(signed), "--offline", "--document", document], capsys)[0]
        == 0
    )


def test_status_index_out_of_range(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status_file = tmp_path / "status.json"
    run(
        [
            "status",
            "create",
            "--url",
            "https://x.example/s",
            "--key",
            str(key),
            "--out",
            str(status_file),
        ],
        capsys,
    )
    code, _, err = run(["status", "set", str(status_file), "999999999", "--key", str(key)], capsys)
    assert code == 2
    assert "outside" in err


def test_bake_and_verify_png(tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signed = tmp_path / "s.json"
    run(
        [
            "credential",
            "sign",
            str(_write(tmp_path, "u.json", UNSIGNED)),
            "--key",
            str(key),
            "--out",
            str(signed),
        ],
        capsys,
    )
    image = tmp_path / "badge.png"
    image.write_bytes(tiny_png())
    baked = tmp_path / "baked.png"
    assert (
        run(
            ["credential", "bake", str(signed), "--image", str(image), "--out", str(baked)], capsys
        )[0]
        == 0
    )
    code, out, _ = run(["credential", "verify", str(baked), "--offline"], capsys)
    assert code == 0, out
    code, out, _ = run(["credential", "unbake", str(baked)], capsys)
    assert json.loads(out)["id"] == json.loads(signed.read_text())["id"]
    # An image without a credential is bad input.
    assert run(["credential", "verify", str(image), "--offline"], capsys)[0] == 2


def test_network_is_not_touched_when_offline(
    tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(json.dumps(UNSIGNED))
    doc["issuer"] = {"id": "did:web:unreachable.example", "type": ["Profile"]}
    signed_path = tmp_path / "s.json"
    # Sign with a key published under the did:web identity.
    web_key = tmp_path / "web.json"
    run(
        [
            "keys",
            "generate",
            "--out",
            str(web_key),
            "--controller",
            "did:web:unreachable.example",
            "--seed",
            SEED,
        ],
        capsys,
    )
    run(
        [
            "credential",
            "sign",
            str(_write(tmp_path, "u.json", doc)),
            "--key",
            str(web_key),
            "--out",
            str(signed_path),
        ],
        capsys,
    )
    code, out, _ = run(["credential", "verify", str(signed_path), "--offline", "--json"], capsys)
    assert code == 1
    report = json.loads(out)
    assert any(
        c["code"] in {"document_not_supplied", "verification_method_unresolved"}
        for c in report["checks"]
    )


def test_demo_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["credential", "demo", "--out-dir", str(tmp_path)], capsys)
    assert code == 0
    assert "VERIFIED" in out and "NOT VERIFIED" in out
    assert (tmp_path / "credential.json").exists()


def test_verify_presentation_with_challenge_and_domain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from microcred.credentials import proofs
    from microcred.credentials.keys import KeyFile, KeyPair

    holder = KeyFile.for_key(KeyPair.generate("Ed25519", seed=bytes(range(32))))
    vp = proofs.sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": holder.controller,
        },
        holder.key,
        verification_method=holder.id,
        proof_purpose="authentication",
        challenge="c-42",
        domain="employer.example",
    )
    path = _write(tmp_path, "vp.json", vp)
    ok = ["credential", "verify", str(path), "--offline", "--domain", "employer.example"]
    assert run([*ok, "--challenge", "c-42"], capsys)[0] == 0
    code, out, _ = run([*ok, "--challenge", "replayed", "--json"], capsys)
    assert code == 1
    assert any(c["code"] == "challenge_mismatch" for c in json.loads(out)["checks"])
