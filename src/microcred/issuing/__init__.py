"""Issuing: awards (signed OB 3.0 credentials stored byte for byte), Bitstring Status
Lists (allocation, revocation, suspension), bulk awards from CSV, delivery by mail with
claim links.

Modules::

    models    tables: awards, status_lists, bulk_batches, bulk_rows, bulk_errors,
              outbox_messages, claim_tokens, did_challenges
    service   award / issue / issue_document, lookups, revoke / suspend / unsuspend
    status    status index allocation, the served status list credentials
    fields    checks of award fields (e-mail, DID, URL, dates, text, formula cells)
    bulk      CSV parsing and validation, batches, the batch run
    delivery  the mail outbox: SMTP or .eml files
    claims    claim links, DID-auth challenges, claiming (re-issue to a DID)
    tasks     background tasks (registered by microcred.jobs)
    errors    typed errors; types: value types
"""
