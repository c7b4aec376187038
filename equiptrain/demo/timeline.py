"""The demo's one timeline: every dated thing in the demo trust is placed on it, counted in days from the day the
demo is loaded, so the story holds together (people join their team before the core they attend; a supervision
session is held on the day it ran; a certificate is dated when its module was completed; a newcomer invited last
week has done nothing yet).

    with at(CORE_DAY_ONE, 16):  # records made inside are dated then (equiptrain.db.utcnow)
        ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from equiptrain.db import DEMO_CLOCK

# Days from today (negative: in the past).
JOINED = -400  # the teams' staff joined (well before anything else)
TRAINERS_TRAINED = -200  # the first lived-experience trainer completed train-the-trainers
LEARNING_STARTED = -160  # the first learners began module 1
REFLECTION = -125  # reflective entries linked to modules (completing module 2), CPD and confidence answers
CORE_REPLIES = -110  # the team replied to the core's invitation
CORE_DAY_ONE, CORE_DAY_TWO = -97, -90  # the North CMHT's two-day core, a week apart
PAYMENT_CLAIMED, PAYMENT_PAID = -88, -74  # the lived-experience trainer's claim for the core, and its payment
SUPERVISION_ONE = -33  # the team's first supervision session
SHARED_COMPUTER = -60  # Chloe's module completed by a colleague on a shared ward computer (revoked since)
NEWCOMER_JOINED = -4  # Olivia Grant joined Willow Ward and was invited; she has not signed in


def moment(days: int, hour: int = 9, minute: int = 30) -> dt.datetime:
    """The UTC moment `days` from today at hour:minute."""
    now = dt.datetime.now(dt.UTC)
    return (now + dt.timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)


@contextmanager
def at(days: int, hour: int = 9, minute: int = 30) -> Iterator[dt.datetime]:
    """Make the records created inside dated `days` from today (nested calls move the clock on and back)."""
    token = DEMO_CLOCK.set(moment(days, hour, minute))
    try:
        yield moment(days, hour, minute)
    finally:
        DEMO_CLOCK.reset(token)
