"""Who may change the catalogue of an organisation.

Editing definitions and custom frameworks is the ``definition.manage`` action of
:func:`microcred.accounts.service.authorize` (owners and issuers, or a token with the
``manage`` scope). The one exception is :data:`OPERATOR`: a principal with neither a user
nor a token and a ``system`` actor stands for an operator at the command line, who already
holds the database; the web layer never builds one (its principals always carry a user or
a token).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.accounts.service import authorize
from microcred.accounts.types import Actor, Principal

__all__ = ["OPERATOR", "authorize_manage", "is_operator"]

#: The principal of the CLI and the demo loader.
OPERATOR: Final = Principal(actor=Actor.system("operator"))


def is_operator(principal: Principal) -> bool:
    return principal.user is None and principal.token is None and principal.actor.kind == "system"


def authorize_manage(session: Session, principal: Principal, organisation: Organisation) -> None:
    """Raise unless ``principal`` may edit ``organisation``'s definitions and frameworks."""
    if is_operator(principal):
        return
    authorize(session, principal, organisation, "definition.manage")
