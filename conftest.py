# The fixtures shared by the core's and every plugin's tests.
pytest_plugins = ("grc_core.plugin_api.testing",)
