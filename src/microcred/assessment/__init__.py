"""Assessment and recognition of prior learning (RPL).

A learner applies for a published definition with evidence per criterion (the definition's
learning outcomes): files, links and text, each with its source (apprenticeship,
employment, volunteering, self-study, a prior course, other). Assessors of the provider
review it against a rubric (per outcome: not met / partially met / met), ask for more
evidence or decide; an approval issues the credential through
:func:`microcred.issuing.service.issue` with the evidence, the rubric results and the
assessment type (recognition of prior learning) embedded. Files are checked by content
and stored outside the web root (:mod:`microcred.assessment.evidence`).
"""
