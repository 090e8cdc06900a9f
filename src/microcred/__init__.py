"""microcred: micro-credentials as Open Badges 3.0 verifiable credentials.

The credential core lives in :mod:`microcred.credentials`; it is pure and offline.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
