# The fixtures shared by the core's and every plugin's tests.
pytest_plugins = ("grc_core.plugins.testing",)
