"""Who is looking at a page: a signed-in user (browser session cookie) or nobody.

Every page router loads the viewer first (``page_router()`` adds :func:`load_viewer` as a
router dependency), so templates can show "Signed in as ..." and the CSRF helper knows
which token to use. Pages that need a user take ``SignedIn`` (redirects to ``/signin``
through a 401 HTML page with a sign-in link) or read ``PageViewer`` and decide.

The viewer keeps plain values (id, e-mail, name, CSRF token) copied at load time, so error
pages can still show them after the request's database session rolled back; ``user`` is
the ORM row, valid while the request's session is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from microcred.accounts import sessions as browser_sessions
from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.models import BrowserSession, User
from microcred.web.deps import SESSION_COOKIE, DbSession

__all__ = ["PageViewer", "SignedIn", "Viewer", "load_viewer", "require_user"]


@dataclass(frozen=True)
class Viewer:
    """The browser's user, or an anonymous viewer (``user is None``)."""

    user: User | None = None
    session: BrowserSession | None = None
    user_id: int | None = None
    email: str = ""
    display_name: str = ""
    csrf_token: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    @property
    def name(self) -> str:
        """What to call the user on a page: the display name, else the e-mail address."""
        return self.display_name or self.email


ANONYMOUS = Viewer()


def viewer_for(user: User, row: BrowserSession) -> Viewer:
    return Viewer(
        user=user,
        session=row,
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        csrf_token=row.csrf_token,
    )


def load_viewer(request: Request, db: DbSession) -> Viewer:
    """The viewer of this request (an expired or unknown cookie means anonymous)."""
    cached = getattr(request.state, "viewer", None)
    if isinstance(cached, Viewer):
        return cached
    viewer = ANONYMOUS
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            row, user = browser_sessions.authenticate_session(db, cookie)
        except NotAuthenticated:
            pass
        else:
            viewer = viewer_for(user, row)
    request.state.viewer = viewer
    return viewer


PageViewer = Annotated[Viewer, Depends(load_viewer)]


def require_user(request: Request, viewer: PageViewer) -> User:
    """The signed-in user, else a 401 page that links to sign-in and back."""
    if viewer.user is None:
        raise NotAuthenticated("Please sign in to see this page.", code="sign_in_required")
    request.state.viewer = viewer
    return viewer.user


SignedIn = Annotated[User, Depends(require_user)]
