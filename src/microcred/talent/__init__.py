"""Talent: what employers do with learners' credentials.

* :mod:`microcred.talent.checking`: verify every credential of a shared link at once and
  summarise (n verified, n failed with the reason: revoked, suspended, expired, tampered...).
* :mod:`microcred.talent.service`: find learners who opted in to be found
  (``discoverable``) by verified skills, EQF level, recency and issuer standing; each
  result lists the credentials that back each skill.
"""
