"""Fault tests: each starts what it breaks (its own PostgreSQL, Redis, SMTP
server, small disk), so they need no particular database. They run once, in
the default (SQLite) run; the PostgreSQL and per-plugin runs skip them."""
import sys
from pathlib import Path

import pytest

# The helpers of tests/ (pg_clusters, jobs_support, test_requests…).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.hookimpl(tryfirst=True)  # before tests/conftest.py's hook, which skips what is marked
def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.once)
