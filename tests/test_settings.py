"""Settings: defaults, then the TOML file, then GRC_* variables, then create_app's config."""
from pathlib import Path

import pytest

from grc_core.settings import ConfigError, database_url, load_settings, plugin_names, secret_key


def test_defaults_without_file_or_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings["PLUGINS"] == "*"
    assert settings["DEFAULT_LOCALE"] == "fr"
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_precedence_file_then_environment_then_overrides(tmp_path):
    config = tmp_path / "grc.toml"
    config.write_text('default_locale = "en"\nplugins = ["etat_civil"]\nlogin_max_failures = 3\n')
    environ = {"GRC_CONFIG": str(config), "GRC_LOGIN_MAX_FAILURES": "7"}
    settings = load_settings({"PLUGINS": ["social"]}, environ=environ)
    assert settings["DEFAULT_LOCALE"] == "en"          # file
    assert settings["LOGIN_MAX_FAILURES"] == 7         # environment beats file, typed
    assert settings["PLUGINS"] == ["social"]           # create_app's config beats all


def test_environment_values_are_typed(tmp_path):
    settings = load_settings(environ={
        "GRC_SESSION_COOKIE_SECURE": "false", "GRC_LOCALES": "fr, en", "GRC_EXTRA_PLUGINS": "demo=my.module",
    })
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["LOCALES"] == ["fr", "en"]
    assert settings["EXTRA_PLUGINS"] == {"demo": "my.module"}


@pytest.mark.parametrize(("environ", "message"), [
    ({"GRC_SESSION_COOKIE_SECURE": "peut-être"}, "n'est pas un booléen"),
    ({"GRC_LOGIN_MAX_FAILURES": "cinq"}, "n'est pas un nombre entier"),
    ({"GRC_CONFIG": "/nulle/part.toml"}, "n'existe pas"),
])
def test_bad_values_are_named(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


def test_invalid_toml_is_named(tmp_path):
    config = tmp_path / "grc.toml"
    config.write_text("plugins = [\n")
    with pytest.raises(ConfigError, match="TOML invalide"):
        load_settings(environ={"GRC_CONFIG": str(config)})


def test_documented_config_file_loads_and_matches_the_defaults():
    path = Path(__file__).resolve().parent.parent / "config" / "grc.toml"
    settings = load_settings(environ={"GRC_CONFIG": str(path)})
    from grc_core.settings import DEFAULTS
    assert {key: settings[key] for key in DEFAULTS} == DEFAULTS


def test_database_url_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    assert database_url({"DATABASE_URL": ""}, tmp_path) == f"sqlite:///{tmp_path / 'grc.sqlite'}"
    assert database_url({"DATABASE_URL": "postgres://u@h/db"}, tmp_path) == "postgresql+psycopg://u@h/db"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = secret_key({"SECRET_KEY": ""}, tmp_path)
    assert len(first) == 64 and secret_key({"SECRET_KEY": ""}, tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert secret_key({"SECRET_KEY": "explicit"}, tmp_path) == "explicit"


def test_plugin_names():
    assert plugin_names("*") is None
    assert plugin_names("etat_civil, social") == ["etat_civil", "social"]
    assert plugin_names("") == []


def test_two_apps_in_one_process_do_not_share_plugins(tmp_path):
    from grc_core import create_app
    first = create_app({"PLUGINS": [], "INSTANCE_PATH": str(tmp_path / "a"), "SECRET_KEY": "x"})
    second = create_app({"PLUGINS": "*", "INSTANCE_PATH": str(tmp_path / "b"), "SECRET_KEY": "x"})
    assert first.extensions["grc"].names == []
    assert first.extensions["grc"].pm is not second.extensions["grc"].pm
    assert first.extensions["admin"][0] is not second.extensions["admin"][0]
