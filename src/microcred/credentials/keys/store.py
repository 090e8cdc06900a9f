"""Key stores: where a signer finds its keys by verification method id."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from microcred.credentials.keys.keyfile import KeyFile

__all__ = ["InMemoryKeyStore", "KeyStore"]


class KeyStore(Protocol):
    """Looks up a signing key by its verification method id; ``None`` when unknown."""

    def get(self, key_id: str) -> KeyFile | None: ...


class InMemoryKeyStore:
    """A :class:`KeyStore` over keys held in memory (tests, CLI sessions)."""

    def __init__(self, keys: Iterable[KeyFile] = ()) -> None:
        self._keys: dict[str, KeyFile] = {}
        for key in keys:
            self.add(key)

    def add(self, key: KeyFile) -> None:
        self._keys[key.id] = key

    def get(self, key_id: str) -> KeyFile | None:
        return self._keys.get(key_id)

    def remove(self, key_id: str) -> None:
        self._keys.pop(key_id, None)

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def __iter__(self) -> Iterator[KeyFile]:
        return iter(list(self._keys.values()))

    def __len__(self) -> int:
        return len(self._keys)
