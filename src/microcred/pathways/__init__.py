"""Pathways and credit: stacked credentials earned by completing components, and credit
articulation toward programmes.

* :mod:`~microcred.pathways.rules`: the rule tree (all of, n of, minimum credits, required
  skills) — parse, validate limits, evaluate (pure).
* :mod:`~microcred.pathways.progress`: which of a learner's credentials count (verified
  now), progress per pathway and the catalogue items that would close the gap.
* :mod:`~microcred.pathways.stacking`: auto-award of the signed stacked credential
  (components named with ``digestMultibase``, credits totalled), idempotent.
* :mod:`~microcred.pathways.articulation`: credit a learner holds toward each programme.
* :mod:`~microcred.pathways.service`: create/read/update/retire pathways and programmes.
* :mod:`~microcred.pathways.demo`: the demo pathway and programme.
"""
