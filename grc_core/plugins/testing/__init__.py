"""Deprecated (API 1 path): use :mod:`grc_core.plugin_api.testing`; removed in API 3.

A package rather than a module, so that git follows the real file to its new
place when parallel edits are merged.
"""
import warnings

from grc_core.plugin_api import GRCDeprecationWarning

warnings.warn("grc_core.plugins.testing is deprecated: import from grc_core.plugin_api.testing.",
              GRCDeprecationWarning, stacklevel=2)

from grc_core.plugin_api.testing import *  # noqa: E402,F401,F403
from grc_core.plugin_api.testing import _clean_database  # noqa: E402,F401
