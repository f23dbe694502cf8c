"""Retention (RGPD): plugins declare what is anonymised and when; the core
lists the candidates in the back office and anonymises them (``grc tick``).

- :mod:`.requests` — anonymise a core request, find closed requests due;
- :mod:`.engine` — pending candidates per policy, ``run_retention``.
"""
from .engine import PolicyPreview, pending, run_retention
from .requests import anonymise_request, anonymise_requests, closed_requests_due, requests_closed_before

__all__ = [
    "PolicyPreview", "pending", "run_retention",
    "anonymise_request", "anonymise_requests", "closed_requests_due", "requests_closed_before",
]
