"""Accounts: users, organisations (issuers), memberships and roles, API tokens, browser
sessions and organisation signing keys.

Modules::

    models     tables: users, organisations, memberships, api_tokens, organisation_keys,
               browser_sessions
    service    use cases: users, organisations, members, the one permission check
               (:func:`~microcred.accounts.service.authorize`)
    passwords  argon2id hashing with rehash on parameter change
    tokens     API tokens ``mc_<prefix>_<secret>`` (stored as SHA-256, scoped, revocable)
    sessions   browser sessions and their CSRF synchronizer tokens
    keys       Ed25519 signing keys encrypted at rest (AES-256-GCM, HKDF from the master key),
               rotation, DID documents
    types      Actor, Principal, roles, scopes, actions
    errors     NotAuthenticated and friends
"""
