"""Key files: a private key with its id and controller, as JSON.

Shape (a Multikey, Controlled Identifiers 1.0 section 2.2.2, plus the secret)::

    {"type": "Multikey", "id": "<controller>#<multibase>", "controller": "<did or URL>",
     "publicKeyMultibase": "z6Mk...", "secretKeyMultibase": "z3u2...", "algorithm": "Ed25519"}

RSA keys (for RS256 VC-JWTs) are stored as ``"type": "JsonWebKey"`` with ``publicKeyJwk``
and ``secretKeyJwk``. Reading accepts ``privateKeyMultibase`` for ``secretKeyMultibase``
(the W3C vector spelling), fills in a missing id/controller with the key's did:key, and
checks that the secret and public halves belong together.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys.algorithms import Algorithm
from microcred.credentials.keys.key_pair import KeyPair
from microcred.credentials.keys.public_key import PublicKey
from microcred.errors import Conflict

__all__ = ["MAX_KEY_FILE_BYTES", "KeyFile", "load_key_file", "write_key_file"]

MAX_KEY_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class KeyFile:
    """A key pair with the verification method id and controller it is published under."""

    key: KeyPair
    id: str
    controller: str

    @property
    def public(self) -> PublicKey:
        return self.key.public

    @property
    def algorithm(self) -> Algorithm:
        return self.key.algorithm

    @classmethod
    def for_key(
        cls, key: KeyPair, *, controller: str | None = None, key_id: str | None = None
    ) -> KeyFile:
        """Defaults: controller = the key's did:key; id = ``controller#<multibase>``.

        A ``key_id`` starting with ``#`` is taken relative to the controller.
        """
        owner = controller or key.did_key
        if key_id is None:
            key_id = f"{owner}#{key.public.multibase}"
        elif key_id.startswith("#"):
            key_id = owner + key_id
        if not owner.strip() or not key_id.strip():
            raise KeyFormatError("A key's controller and id must not be empty.")
        return cls(key=key, id=key_id, controller=owner)

    def to_json(self) -> dict[str, Any]:
        """The key file JSON (contains the secret key)."""
        if self.key.algorithm == "RSA":
            jwk = self.key.to_jwk()
            return {
                "type": "JsonWebKey",
                "id": self.id,
                "controller": self.controller,
                "publicKeyJwk": self.public.to_jwk(),
                "secretKeyJwk": jwk,
                "algorithm": "RSA",
            }
        return {
            "type": "Multikey",
            "id": self.id,
            "controller": self.controller,
            "publicKeyMultibase": self.public.multibase,
            "secretKeyMultibase": self.key.secret_multibase,
            "algorithm": self.key.algorithm,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> KeyFile:
        """Parse and validate key file JSON; raises :class:`KeyFormatError`."""
        if not isinstance(data, Mapping):
            raise KeyFormatError("A key file must hold a JSON object.")
        secret_mb = data.get("secretKeyMultibase", data.get("privateKeyMultibase"))
        secret_jwk = data.get("secretKeyJwk", data.get("privateKeyJwk"))
        if isinstance(secret_mb, str):
            key = KeyPair.from_secret_multibase(secret_mb)
        elif isinstance(secret_jwk, Mapping):
            key = KeyPair.from_jwk(secret_jwk)
        else:
            raise KeyFormatError(
                "The key file has no secret key (secretKeyMultibase or secretKeyJwk); "
                "create one with `microcred keys generate --out KEY.json`."
            )
        if "publicKeyMultibase" in data:
            published = PublicKey.from_multibase(_string(data, "publicKeyMultibase"))
        elif "publicKeyJwk" in data:
            jwk = data["publicKeyJwk"]
            if not isinstance(jwk, Mapping):
                raise KeyFormatError("publicKeyJwk must be a JSON object.")
            published = PublicKey.from_jwk(jwk)
        else:
            published = key.public
        if published != key.public:
            raise KeyFormatError(
                "The key file's public key does not match its secret key; the file is "
                "corrupt or was edited. Regenerate it or restore it from a backup."
            )
        algorithm = data.get("algorithm")
        if algorithm is not None and algorithm != key.algorithm:
            raise KeyFormatError(
                f"The key file says algorithm {algorithm!r} but holds a {key.algorithm} key."
            )
        kind = data.get("type", "Multikey")
        if kind not in ("Multikey", "JsonWebKey", "JsonWebKey2020"):
            raise KeyFormatError(f"Unsupported key file type {kind!r}; expected 'Multikey'.")
        controller = data.get("controller")
        key_id = data.get("id")
        for name, value in (("controller", controller), ("id", key_id)):
            if value is not None and not isinstance(value, str):
                raise KeyFormatError(f"The key file's {name!r} must be a string.")
        return cls.for_key(
            key,
            controller=controller if isinstance(controller, str) else None,
            key_id=key_id if isinstance(key_id, str) else None,
        )


def load_key_file(path: str | os.PathLike[str]) -> KeyFile:
    """Read and validate a key file; raises :class:`KeyFormatError` with the path."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise KeyFormatError(
            f"Cannot read key file {file}: {exc.strerror or exc}. Create one with "
            "`microcred keys generate --out KEY.json`."
        ) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFormatError(f"{file} is too large to be a key file.")
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise KeyFormatError(f"{file} is not JSON: {exc}") from None
    try:
        return KeyFile.from_json(value)
    except KeyFormatError as exc:
        raise KeyFormatError(f"{file}: {exc.message}") from None


def write_key_file(
    path: str | os.PathLike[str],
    keypair: KeyPair,
    *,
    controller: str | None = None,
    key_id: str | None = None,
    overwrite: bool = False,
) -> KeyFile:
    """Write ``keypair`` as a key file readable only by its owner (mode 0600).

    Refuses to replace an existing file unless ``overwrite`` is true (a lost private key
    cannot be recovered). The file is written atomically.
    """
    key_file = KeyFile.for_key(keypair, controller=controller, key_id=key_id)
    target = Path(path)
    if target.exists() and not overwrite:
        raise Conflict(
            f"{target} already exists; choose another path or remove it first (its private "
            "key would be lost).",
            code="key_file_exists",
        )
    text = json.dumps(key_file.to_json(), indent=2) + "\n"
    directory = target.parent if str(target.parent) else Path()
    handle, temp_name = tempfile.mkstemp(prefix=".key-", dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        temp.chmod(0o600)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return key_file


def _string(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise KeyFormatError(f"The key file's {name!r} must be a string.")
    return value
