"""Second-step codes for tests and benchmarks: the code an agent's phone
would show, and the sign-in clock moved by hand. Kept out of
:mod:`grc_core.plugin_api.testing` (which re-exports them) because that
module loads pytest: a benchmark that signs in must not carry pytest into
the process whose memory it measures (bench.requests_bench's worker probe).
"""
from __future__ import annotations

from contextlib import contextmanager


class FrozenClock:
    """The time sign-in decisions are taken at, moved by hand (see security.clock)."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment

    def advance(self, **delta):
        from datetime import timedelta

        self.moment += timedelta(**delta)


@contextmanager
def totp_code(app, email=None, secret=None):
    """A valid, unused code of the agent's app (or of ``secret`` while
    enrolling), as his phone would show it; use it inside the ``with``.
    Codes are single-use per 30-second step: when this step's was used
    already, the sign-in clock (``AUTH_CLOCK``) shows the next step meanwhile
    — time injected, never waited for. A test's own frozen clock is moved."""
    from datetime import datetime, timezone

    import pyotp
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import User
    from grc_core.security import clock
    from grc_core.security.two_factor import STEP_SECONDS

    with app.app_context():
        last = None
        if secret is None:
            user = db.session.scalar(select(User).where(User.email == email))
            secret, last = user.totp_secret, user.totp_last_step
        step = int(clock.now().timestamp()) // STEP_SECONDS
    before = app.config.get("AUTH_CLOCK")
    if last is not None and step <= last:
        step = last + 1
        moment = datetime.fromtimestamp(step * STEP_SECONDS, timezone.utc)
        if isinstance(before, FrozenClock):
            before.moment = moment
        else:
            app.config["AUTH_CLOCK"] = FrozenClock(moment)
    try:
        yield pyotp.TOTP(secret).at(step * STEP_SECONDS)
    finally:
        if before is None:
            app.config.pop("AUTH_CLOCK", None)
