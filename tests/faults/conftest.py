"""Fault tests: each starts what it breaks (its own PostgreSQL, Redis, SMTP
server, small disk), so they need no particular database. They run once, in
the default (SQLite) run; the PostgreSQL and per-plugin runs skip them."""
import os
import sys
from pathlib import Path

import pytest

# The helpers of tests/ (pg_clusters, jobs_support, test_requests…).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pytest_collection_modifyitems(config, items):
    if os.environ.get("GRC_TEST_DATABASE_URL") or "GRC_TEST_PLUGINS" in os.environ:
        skip = pytest.mark.skip(reason="fault tests run once, in the default run (they start their own servers)")
        for item in items:
            if "/faults/" in str(item.fspath):
                item.add_marker(skip)
