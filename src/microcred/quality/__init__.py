"""Quality assurance and trust: quality bodies accredit providers, a trust registry lists
accredited issuers (published as JSON and as a signed credential, and consumed from
elsewhere, including the Digital Credentials Consortium's issuer registry format),
verification reports say who vouches for each issuer, and organisations endorse
definitions and providers with signed OB 3.0 EndorsementCredentials.

Modules: ``models`` (tables), ``service`` (quality bodies), ``accreditation``,
``registry`` (publish and consume trust registries), ``trust`` (the ``issuer_trust`` and
``endorsements`` checks added to a verification report after
:func:`microcred.credentials.verify.verify`), ``endorsements``, ``errors``, ``types``,
``demo``.
"""
