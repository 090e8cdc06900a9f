"""The static JSON-LD document loader: bundled contexts only, never the network.

The contexts ship as package data in ``contexts/`` (a byte-identical copy of
``shared/standards/contexts``) with ``contexts/contexts.json`` mapping each context URL to
its file. A :class:`StaticLoader` answers from that set (plus any ``extra`` contexts the
caller supplies) and raises :class:`UnknownContextError` for every other URL, so no
JSON-LD processing in microcred can ever trigger a fetch (DESIGN.md, principle 3).

Files are read and parsed lazily, once per loader, and every call returns a fresh deep
copy, so a caller (or pyld) that mutates the result cannot corrupt the cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from microcred.credentials.errors import MalformedDocument, UnknownContextError

__all__ = ["DEFAULT_LOADER", "KNOWN_CONTEXTS", "DocumentLoader", "StaticLoader", "copy_json"]

#: A JSON-LD document loader: context URL -> the context document (a JSON object).
#: Raises :class:`UnknownContextError` for URLs it does not know.
DocumentLoader = Callable[[str], dict[str, Any]]

_PACKAGE = "microcred.credentials.jsonld"
_MAP_FILE = "contexts.json"


def copy_json(value: Any) -> Any:
    """Deep-copy a parsed JSON value (dicts, lists, scalars); faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def _read_url_map() -> dict[str, str]:
    text = resources.files(_PACKAGE).joinpath("contexts", _MAP_FILE).read_text("utf-8")
    mapping = json.loads(text)
    if not isinstance(mapping, dict):  # pragma: no cover - guarded by a test of the data
        raise MalformedDocument(f"{_MAP_FILE} must map context URLs to file names.")
    return {str(url): str(name) for url, name in mapping.items()}


_URL_MAP: dict[str, str] = _read_url_map()

#: Every context URL the bundled set serves.
KNOWN_CONTEXTS: frozenset[str] = frozenset(_URL_MAP)


class StaticLoader:
    """Serves the bundled contexts, plus ``extra`` ones, and refuses everything else.

    ``extra`` maps a URL to a context document (a JSON object, normally with an
    ``@context`` member); it overrides a bundled context of the same URL. A URL fragment is
    ignored, as a JSON-LD processor would.
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._extra: dict[str, dict[str, Any]] = {}
        for url, document in (extra or {}).items():
            if not isinstance(document, Mapping):
                raise MalformedDocument(
                    f"The extra context for {url!r} must be a JSON object, "
                    f"not {type(document).__name__}."
                )
            self._extra[url.split("#", 1)[0]] = copy_json(_plain(document))
        self._parsed: dict[str, dict[str, Any]] = {}
        self._urls = frozenset(KNOWN_CONTEXTS | self._extra.keys())

    @property
    def urls(self) -> frozenset[str]:
        """Every URL this loader answers."""
        return self._urls

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and url.split("#", 1)[0] in self._urls

    def __call__(self, url: str) -> dict[str, Any]:
        """Return a fresh copy of the context document at ``url``."""
        key = url.split("#", 1)[0]
        document = self._extra.get(key)
        if document is None:
            document = self._parsed.get(key)
        if document is None:
            name = _URL_MAP.get(key)
            if name is None:
                raise UnknownContextError(url)
            text = resources.files(_PACKAGE).joinpath("contexts", name).read_text("utf-8")
            parsed = json.loads(text)
            if not isinstance(parsed, dict):  # pragma: no cover - guarded by a data test
                raise MalformedDocument(f"Bundled context {name} is not a JSON object.")
            self._parsed[key] = document = parsed
        result: dict[str, Any] = copy_json(document)
        return result

    def __repr__(self) -> str:
        return f"StaticLoader(extra={sorted(self._extra)!r})"


def _plain(value: Any) -> Any:
    """Convert Mappings/Sequences from the caller into plain dicts/lists."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


#: The loader used when none is given: the bundled contexts only.
DEFAULT_LOADER = StaticLoader()
