"""The HTTP layer: :func:`microcred.web.app.create_app` builds the FastAPI application.

Routes live in ``web/api/<domain>.py``, request/response shapes in ``web/schemas/``,
dependencies (database session, principal, scopes, rate limits) in ``web/deps.py`` and
``web/ratelimit.py``; every :class:`~microcred.errors.MicrocredError` becomes
``application/problem+json`` in ``web/problems.py``.
"""
