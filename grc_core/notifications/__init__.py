"""E-mails to citizens: per-commune templates, an outbox, and its delivery.

A notification is an :class:`~grc_core.models.OutboxMessage` row written in
the same transaction as what caused it (a transition); ``grc tick`` or
``grc outbox send`` delivers it later and retries on failure, so a mail
server that is down loses nothing.
"""
from .outbox import BACKOFF_MINUTES, MAX_ATTEMPTS, enqueue_email, send_pending
from .templates import PLACEHOLDERS, fill, placeholders_in, status_email

__all__ = [
    "BACKOFF_MINUTES", "MAX_ATTEMPTS", "PLACEHOLDERS", "enqueue_email", "fill", "placeholders_in",
    "send_pending", "status_email",
]
