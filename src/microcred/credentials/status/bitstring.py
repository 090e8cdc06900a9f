"""The status bitstring of W3C Bitstring Status List v1.0.

Implements the *Bitstring Generation Algorithm* (§3.3) and the *Bitstring Expansion
Algorithm* (§3.4), with the encoding rules of §2.2 (``credentialSubject.encodedList``):

* the uncompressed bitstring is at least 16 KB (131,072 bits);
* index 0 is the left-most bit, i.e. the most significant bit of byte 0;
* ``encodedList`` is GZIP (RFC 1952), then multibase base64url without padding (prefix ``u``).

Decoding treats its input as untrusted: the multibase prefix, the base64url alphabet, the
GZIP stream and the decompressed size (capped, against decompression bombs) are all checked
and every problem is a :class:`~microcred.credentials.errors.StatusListError`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib

from microcred.credentials.errors import StatusListError

__all__ = [
    "MAX_DECODED_BYTES",
    "MAX_ENCODED_CHARS",
    "MIN_BITS",
    "Bitstring",
]

#: §2.2 and §3.2 step 2: a status list holds at least 131,072 entries (16 KB of bits).
MIN_BITS = 131_072
#: Largest decompressed list accepted (16 MiB = 134 million one-bit entries).
MAX_DECODED_BYTES = 16 * 1024 * 1024
#: Largest ``encodedList`` string accepted before decoding (a list of random bits of
#: MAX_DECODED_BYTES would not fit; real lists are a few KB to a few MB).
MAX_ENCODED_CHARS = 24 * 1024 * 1024

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_GZIP_MAGIC = b"\x1f\x8b"


class Bitstring:
    """A mutable bitstring of status entries, most significant bit first.

    ``Bitstring()`` is the spec minimum of 131,072 zero bits. ``length_bits`` must be a
    multiple of 8 and at least :data:`MIN_BITS`. Multi-bit entries (``statusSize`` > 1) are
    read and written with :meth:`get_value` / :meth:`set_value`: entry ``i`` occupies bits
    ``i * size`` to ``i * size + size - 1``, the first of them the most significant.
    """

    __slots__ = ("_bytes",)

    def __init__(self, length_bits: int = MIN_BITS) -> None:
        if not isinstance(length_bits, int) or isinstance(length_bits, bool):
            raise StatusListError("A status list length must be an integer number of bits.")
        if length_bits < MIN_BITS or length_bits % 8:
            raise StatusListError(
                f"A status list must hold at least {MIN_BITS} bits (16 KB) and a whole "
                f"number of bytes (W3C Bitstring Status List §2.2); got {length_bits}. "
                f"Use the default length {MIN_BITS} or a larger multiple of 8."
            )
        if length_bits > MAX_DECODED_BYTES * 8:
            raise StatusListError(
                f"A status list of {length_bits} bits is larger than the "
                f"{MAX_DECODED_BYTES * 8}-bit limit; split it into several lists."
            )
        self._bytes = bytearray(length_bits // 8)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes) -> Bitstring:
        """A bitstring over a copy of ``data`` (at least 16 KB)."""
        bits = cls(len(data) * 8)
        bits._bytes[:] = data
        return bits

    @classmethod
    def decode(cls, encoded: str, *, max_bytes: int = MAX_DECODED_BYTES) -> Bitstring:
        """Expand an ``encodedList`` value (Bitstring Expansion Algorithm, §3.4).

        Raises :class:`StatusListError` when the value is not multibase base64url (``u``
        prefix, no padding), not GZIP, decompresses to more than ``max_bytes`` or to less
        than 16 KB (§2.2).
        """
        if not isinstance(encoded, str):
            raise StatusListError("encodedList must be a string (multibase base64url, 'u...').")
        if len(encoded) > MAX_ENCODED_CHARS:
            raise StatusListError(
                f"encodedList is longer than {MAX_ENCODED_CHARS} characters; refusing to decode it."
            )
        if not encoded.startswith("u"):
            hint = (
                " It looks like StatusList2021-style plain base64; Bitstring Status List "
                "requires the multibase prefix 'u'."
                if encoded.startswith("H4sI")
                else ""
            )
            raise StatusListError(
                "encodedList must be multibase base64url without padding and start with "
                f"'u' (W3C Bitstring Status List §2.2).{hint}"
            )
        body = encoded[1:]
        if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
            raise StatusListError(
                "encodedList is not valid base64url without padding: use only A-Z, a-z, 0-9, "
                "'-' and '_' after the 'u' prefix, with no '=' padding."
            )
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as exc:
            raise StatusListError(f"encodedList is not valid base64url: {exc}.") from None
        raw = _gunzip(compressed, max_bytes)
        if len(raw) * 8 < MIN_BITS:
            raise StatusListError(
                f"The decoded status list has {len(raw) * 8} bits; the minimum is {MIN_BITS} "
                "(16 KB, W3C Bitstring Status List §2.2). The issuer must publish a larger list."
            )
        bits = cls.__new__(cls)
        bits._bytes = bytearray(raw)
        return bits

    # -- encoding -------------------------------------------------------------------------

    def encode(self) -> str:
        """The ``encodedList`` value: GZIP, then multibase base64url without padding (§3.3).

        GZIP's header time stamp is set to 0 so that equal lists encode to equal strings.
        """
        compressed = gzip.compress(bytes(self._bytes), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bytes)

    # -- bits -----------------------------------------------------------------------------

    def __len__(self) -> int:
        """The number of bits."""
        return len(self._bytes) * 8

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Bitstring):
            return NotImplemented
        return self._bytes == other._bytes

    def __hash__(self) -> int:  # mutable: not hashable
        raise TypeError("Bitstring is mutable and cannot be hashed")

    def __repr__(self) -> str:
        return f"Bitstring(length_bits={len(self)}, set_bits={self.count()})"

    def _check_index(self, index: int) -> None:
        if not isinstance(index, int) or isinstance(index, bool):
            raise StatusListError(f"A status list index must be an integer, not {index!r}.")
        if not 0 <= index < len(self):
            raise StatusListError(
                f"Status list index {index} is outside the list (0 to {len(self) - 1})."
            )

    def get(self, index: int) -> bool:
        """The bit at ``index`` (0 = most significant bit of byte 0)."""
        self._check_index(index)
        return bool(self._bytes[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool = True) -> None:
        """Set the bit at ``index`` to ``value``."""
        self._check_index(index)
        mask = 0x80 >> (index & 7)
        if value:
            self._bytes[index >> 3] |= mask
        else:
            self._bytes[index >> 3] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        """Set the bit at ``index`` to 0."""
        self.set(index, False)

    def count(self) -> int:
        """How many bits are set."""
        return sum(byte.bit_count() for byte in self._bytes)

    def set_indices(self) -> list[int]:
        """The indices of all set bits, in increasing order."""
        out: list[int] = []
        for byte_index, byte in enumerate(self._bytes):
            if byte:
                out.extend(byte_index * 8 + bit for bit in range(8) if byte & (0x80 >> bit))
        return out

    def entries(self, size: int = 1) -> int:
        """How many entries of ``size`` bits the list holds."""
        _check_size(size)
        return len(self) // size

    def get_value(self, index: int, size: int = 1) -> int:
        """The value of entry ``index`` of ``size`` bits (§3.2 step 9: position = index * size)."""
        _check_size(size)
        self._check_entry(index, size)
        value = 0
        for bit in range(index * size, index * size + size):
            value = (value << 1) | self.get(bit)
        return value

    def set_value(self, index: int, value: int, size: int = 1) -> None:
        """Write ``value`` (0 to 2**size - 1) into entry ``index`` of ``size`` bits."""
        _check_size(size)
        self._check_entry(index, size)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << size:
            raise StatusListError(
                f"A {size}-bit status value must be an integer from 0 to {(1 << size) - 1}; "
                f"got {value!r}."
            )
        start = index * size
        for offset in range(size):
            self.set(start + offset, bool(value >> (size - 1 - offset) & 1))

    def _check_entry(self, index: int, size: int) -> None:
        if not isinstance(index, int) or isinstance(index, bool):
            raise StatusListError(f"A status list index must be an integer, not {index!r}.")
        if not 0 <= index < len(self) // size:
            raise StatusListError(
                f"Status list index {index} is outside the list (0 to {len(self) // size - 1} "
                f"for {size}-bit entries)."
            )


def _check_size(size: int) -> None:
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 64:
        raise StatusListError(
            f"statusSize must be an integer from 1 to 64 (W3C Bitstring Status List §2.1); "
            f"got {size!r}."
        )


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress one or more GZIP members, refusing output beyond ``max_bytes``."""
    if not data.startswith(_GZIP_MAGIC):
        raise StatusListError(
            "encodedList does not hold a GZIP stream (RFC 1952) after base64url decoding; "
            "the issuer must GZIP the bitstring before encoding it."
        )
    out = bytearray()
    rest = data
    while rest:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            chunk = decompressor.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise StatusListError(f"encodedList holds a corrupt GZIP stream: {exc}.") from None
        out += chunk
        if len(out) > max_bytes:
            raise StatusListError(
                f"encodedList decompresses to more than {max_bytes} bytes; refusing it as a "
                "possible decompression bomb."
            )
        if not decompressor.eof:
            raise StatusListError(
                "encodedList holds a truncated GZIP stream; the status list is incomplete."
            )
        rest = decompressor.unused_data
        if rest and not rest.startswith(_GZIP_MAGIC):
            if rest.strip(b"\x00"):
                raise StatusListError("encodedList has trailing bytes after its GZIP stream.")
            break
    return bytes(out)
