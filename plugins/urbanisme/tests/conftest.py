"""The rules' explanations are lazy texts: the tests read them in a language.

``in_french`` / ``in_english``: the rules' texts rendered under that locale
(``rules_locale``: the core's and the plugin's catalogs, no database)."""
from __future__ import annotations

import pytest

from grc_core.plugin_api.testing import rules_locale


@pytest.fixture
def in_french():
    with rules_locale("fr", "urbanisme"):
        yield


@pytest.fixture
def in_english():
    with rules_locale("en", "urbanisme"):
        yield
