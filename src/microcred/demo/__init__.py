"""The platform demo data set (``microcred demo``, ``make run``).

:func:`load_demo_data` creates, through the real domain services, an admin, three
providers (a university, a training firm, an employer training its own staff) each with an
owner and two published definitions aligned to ESCO skills, three learners with awards
(one revoked: "Awarded in error") and an employer user. Every demo user's password is
:data:`DEMO_PASSWORD`. Running it again changes nothing.
"""

from microcred.demo.content import AWARDS, DEMO_PASSWORD, PROVIDERS, USERS
from microcred.demo.loader import DEMO_ACTOR, DemoAwardInfo, DemoSummary, load_demo_data

__all__ = [
    "AWARDS",
    "DEMO_ACTOR",
    "DEMO_PASSWORD",
    "PROVIDERS",
    "USERS",
    "DemoAwardInfo",
    "DemoSummary",
    "load_demo_data",
]
