# GRC's fixtures (app, client, make_commune, run_tick, PluginContract…), as in GRC's own suites.
pytest_plugins = ("grc_core.plugin_api.testing",)
