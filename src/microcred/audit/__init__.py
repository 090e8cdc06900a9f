"""Audit log: who did what, when, to which organisation (``audit_events``).

Every key and role change, token creation and revocation, organisation creation, award
and revocation is recorded through :func:`microcred.audit.service.record`.
"""
