"""Use cases of the accounts domain: users, organisations, memberships, and the one
permission check every API call and page goes through (:func:`authorize`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts import passwords
from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.models import ApiToken, Membership, Organisation, User
from microcred.accounts.types import (
    ACTIONS,
    ORG_ROLES,
    PLATFORM_ROLES,
    Action,
    Actor,
    Principal,
)
from microcred.audit.service import record
from microcred.credentials.keys import KeyPair
from microcred.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from microcred.storage import utcnow

__all__ = [
    "actor_for_token",
    "actor_for_user",
    "add_member",
    "authenticate_user",
    "authorize",
    "create_organisation",
    "create_user",
    "get_organisation",
    "get_user",
    "get_user_by_email",
    "list_members",
    "list_organisations_for_user",
    "normalise_email",
    "principal_for_token",
    "principal_for_user",
    "remove_member",
    "role_of",
]

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}$")


# -- actors and principals ----------------------------------------------------------------
def actor_for_user(user: User) -> Actor:
    return Actor(kind="user", id=str(user.id), label=user.email)


def actor_for_token(token: ApiToken) -> Actor:
    label = f"token {token.prefix}" + (f" ({token.name})" if token.name else "")
    return Actor(kind="token", id=str(token.id), label=label)


def principal_for_user(user: User) -> Principal:
    return Principal(actor=actor_for_user(user), user=user)


def principal_for_token(session: Session, token: ApiToken) -> Principal:
    organisation = session.get(Organisation, token.organisation_id)
    assert organisation is not None  # foreign key
    return Principal(
        actor=actor_for_token(token),
        token=token,
        organisation=organisation,
        scopes=token.scope_set,
    )


# -- users --------------------------------------------------------------------------------
@cache
def _dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so timing does not tell."""
    return passwords.hash_password("microcred-timing-equaliser")


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased; refuses what cannot be an address (the domain needs a dot,
    except ``localhost``)."""
    value = email.strip().lower() if isinstance(email, str) else ""
    domain = value.rsplit("@", 1)[-1]
    if not _EMAIL.fullmatch(value) or ("." not in domain.strip(".") and domain != "localhost"):
        raise InvalidInput(f"{email!r} is not an email address.", code="invalid_email")
    return value


def create_user(
    session: Session,
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    platform_role: str | None = None,
    did: str | None = None,
    actor: Actor | None = None,
) -> User:
    """A new user (password hashed with argon2id). Conflict if the email is taken."""
    address = normalise_email(email)
    if platform_role is not None and platform_role not in PLATFORM_ROLES:
        raise InvalidInput(
            f"Unknown platform role {platform_role!r}; choose {', '.join(PLATFORM_ROLES)}.",
            code="invalid_role",
        )
    if get_user_by_email(session, address) is not None:
        raise Conflict(
            f"A user with email {address} already exists; sign in instead.", code="email_taken"
        )
    user = User(
        email=address,
        password_hash=passwords.hash_password(password) if password is not None else None,
        display_name=display_name.strip()[:200],
        platform_role=platform_role,
        did=did,
        created_at=utcnow(),
    )
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"A user with email {address} already exists; sign in instead.", code="email_taken"
        ) from None
    if platform_role is not None:
        record(
            session,
            actor=actor or Actor.system(),
            action="user.platform_role",
            organisation_id=None,
            subject_type="user",
            subject_id=str(user.id),
            details={"email": address, "platform_role": platform_role},
        )
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.", code="user_not_found")
    return user


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate_user(session: Session, *, email: str, password: str) -> User:
    """The user with this email and password, else NotAuthenticated(``invalid_credentials``).

    Takes the same time whether or not the email exists, and upgrades the stored hash when
    the hashing parameters changed.
    """
    user = get_user_by_email(session, email)
    stored = user.password_hash if user is not None else None
    ok = passwords.verify_password(stored or _dummy_hash(), password)
    if user is None or stored is None or not ok:
        raise NotAuthenticated(
            "Wrong email or password; check both, or sign up (POST /api/users).",
            code="invalid_credentials",
        )
    if passwords.needs_rehash(stored):
        user.password_hash = passwords.hash_password(password)
        session.flush()
    return user


# -- organisations ------------------------------------------------------------------------
def get_organisation(session: Session, slug: str) -> Organisation:
    """The organisation with ``slug``; NotFound with how to create one."""
    organisation = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise NotFound(
            f"No organisation {slug!r}; create it with `microcred org create {slug} --name NAME`.",
            code="organisation_not_found",
        )
    return organisation


def create_organisation(
    session: Session,
    *,
    slug: str,
    name: str,
    base_url: str,
    did_method: str = "web",
    master_key: bytes,
    actor: Actor,
    owner: User | None = None,
    url: str | None = None,
    description: str = "",
    country: str | None = None,
    email: str | None = None,
) -> Organisation:
    """A new organisation with its DID and first Ed25519 signing key; ``owner`` (if any)
    becomes its owner."""
    org_keys.check_slug(slug)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("An organisation needs a name of 1-200 characters.", code="invalid_name")
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidInput(
            f"{country!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'NL').",
            code="invalid_country",
        )
    if session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise Conflict(
            f"Organisation {slug!r} already exists; pick another slug.", code="slug_taken"
        )
    keypair: KeyPair | None = None
    if did_method == "web":
        did = org_keys.did_web_for(base_url, slug)
    elif did_method == "key":
        keypair = KeyPair.generate("Ed25519")
        did = keypair.did_key
    else:
        raise InvalidInput(
            f"Unknown DID method {did_method!r}; use 'web' or 'key'.", code="invalid_did_method"
        )
    organisation = Organisation(
        slug=slug,
        name=name,
        did=did,
        did_method=did_method,
        url=url,
        description=description,
        country=country,
        email=normalise_email(email) if email else None,
        created_at=utcnow(),
    )
    session.add(organisation)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"Organisation {slug!r} already exists; pick another slug.", code="slug_taken"
        ) from None
    key = org_keys.add_key(session, organisation, master_key=master_key, keypair=keypair)
    record(
        session,
        actor=actor,
        action="organisation.create",
        organisation_id=organisation.id,
        subject_type="organisation",
        subject_id=organisation.slug,
        details={"did": did, "did_method": did_method, "name": name, "key": key.key_id},
    )
    if owner is not None:
        add_member(session, organisation=organisation, user=owner, role="owner", actor=actor)
    return organisation


def list_organisations_for_user(session: Session, user: User) -> Sequence[tuple[Organisation, str]]:
    rows = session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.slug)
    ).all()
    return [(org, role) for org, role in rows]


# -- memberships --------------------------------------------------------------------------
def role_of(session: Session, user: User, organisation: Organisation) -> str | None:
    return session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def list_members(session: Session, organisation: Organisation) -> Sequence[tuple[User, str]]:
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(User.email)
    ).all()
    return [(user, role) for user, role in rows]


def _owner_count(session: Session, organisation: Organisation) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == organisation.id, Membership.role == "owner")
        )
        or 0
    )


def add_member(
    session: Session, *, organisation: Organisation, user: User, role: str, actor: Actor
) -> Membership:
    """Give ``user`` ``role`` in ``organisation`` (changing an existing role); audited."""
    if role not in ORG_ROLES:
        raise InvalidInput(
            f"Unknown role {role!r}; choose from {', '.join(ORG_ROLES)}.", code="invalid_role"
        )
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )
    previous = membership.role if membership is not None else None
    if previous == role and membership is not None:
        return membership
    if previous == "owner" and _owner_count(session, organisation) <= 1:
        raise Conflict(
            f"{user.email} is the last owner of {organisation.slug!r}; add another owner first.",
            code="last_owner",
        )
    if membership is None:
        membership = Membership(
            user_id=user.id, organisation_id=organisation.id, role=role, created_at=utcnow()
        )
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    record(
        session,
        actor=actor,
        action="member.add" if previous is None else "member.role_change",
        organisation_id=organisation.id,
        subject_type="user",
        subject_id=str(user.id),
        details={"email": user.email, "role": role, "previous_role": previous},
    )
    return membership


def remove_member(
    session: Session, *, organisation: Organisation, user: User, actor: Actor
) -> None:
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )
    if membership is None:
        raise NotFound(
            f"{user.email} is not a member of {organisation.slug!r}.", code="member_not_found"
        )
    if membership.role == "owner" and _owner_count(session, organisation) <= 1:
        raise Conflict(
            f"{user.email} is the last owner of {organisation.slug!r}; add another owner first.",
            code="last_owner",
        )
    role = membership.role
    session.delete(membership)
    session.flush()
    record(
        session,
        actor=actor,
        action="member.remove",
        organisation_id=organisation.id,
        subject_type="user",
        subject_id=str(user.id),
        details={"email": user.email, "previous_role": role},
    )


# -- permissions --------------------------------------------------------------------------
def authorize(
    session: Session, principal: Principal | None, organisation: Organisation, action: Action
) -> None:
    """The one permission check: may ``principal`` do ``action`` in ``organisation``?

    * A token acts only for its own organisation, and only with a scope the action allows.
    * A user needs a role in the organisation that the action allows, or a platform role
      (admin: everything; quality body: reading).
    * Anyone else is not authenticated.

    Raises NotAuthenticated (401), or PermissionDenied (403) with code ``wrong_organisation``,
    ``missing_scope`` or ``forbidden``. The table is :data:`microcred.accounts.types.ACTIONS`.
    """
    rule = ACTIONS[action]
    if principal is None:
        raise NotAuthenticated(
            "Sign in or send an API token (Authorization: Bearer mc_...).",
            code="not_authenticated",
        )
    if principal.token is not None:
        if principal.token.organisation_id != organisation.id:
            raise PermissionDenied(
                f"This token belongs to another organisation and cannot act for "
                f"{organisation.slug!r}; use a token of {organisation.slug!r}.",
                code="wrong_organisation",
            )
        if not principal.scopes & rule.scopes:
            needed = (
                ", ".join(sorted(rule.scopes)) or "(tokens cannot do this; sign in as an owner)"
            )
            raise PermissionDenied(
                f"This token may not {action} in {organisation.slug!r}; it needs one of the "
                f"scopes: {needed}.",
                code="missing_scope",
            )
        return
    user = principal.user
    if user is None:
        raise NotAuthenticated("Sign in or send an API token.", code="not_authenticated")
    if user.platform_role is not None and user.platform_role in rule.platform_roles:
        return
    role = role_of(session, user, organisation)
    if role is None or role not in rule.roles:
        allowed = ", ".join(sorted(rule.roles))
        raise PermissionDenied(
            f"{user.email} may not {action} in {organisation.slug!r}"
            + (f" as {role}" if role else " (not a member)")
            + f"; this needs the role: {allowed}.",
            code="forbidden",
        )
