"""The grc command."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import func, select

from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.models import Commune, CommunePlugin, Membership, User
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.tenancy import unscoped


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(cli, list(args), input=input)


def counts(app):
    with app.app_context(), unscoped():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Commune, User, Membership))


INIT = ["init", "--commune-name", "Villeneuve-sur-Loire", "--insee", "45901", "--slug", "villeneuve",
        "--admin-email", "admin@villeneuve.fr", "--admin-name", "Claire Morel"]


def test_init_with_flags_creates_commune_and_platform_admin(app):
    result = run(app, *INIT, "--admin-password", "un-mot-de-passe-long")
    assert result.exit_code == 0, result.output
    assert "Villeneuve-sur-Loire (45901) créée" in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.is_platform_admin and user.check_password("un-mot-de-passe-long")
        commune = db.session.scalar(select(Commune))
    with in_commune(app, commune.id):
        enabled = set(db.session.scalars(select(CommunePlugin.plugin).where(CommunePlugin.enabled.is_(True))))
    assert enabled == set(app.extensions["grc"].names)
    again = run(app, *INIT, "--admin-password", "un-mot-de-passe-long")
    assert "déjà présente" in again.output
    assert counts(app) == (1, 1, 1)


def test_init_interactive_prompts(app):
    answers = "Villeneuve-sur-Loire\n45901\nvilleneuve\nadmin@villeneuve.fr\nClaire Morel\nun-mot-de-passe-long\nun-mot-de-passe-long\n"
    result = run(app, "init", input=answers)
    assert result.exit_code == 0, result.output
    assert "Nom de la commune" in result.output
    assert counts(app) == (1, 1, 1)


def test_init_refuses_a_short_password_and_creates_nothing(app):
    result = run(app, *INIT, "--admin-password", "court")
    assert result.exit_code != 0
    assert "au moins 10 caractères" in result.output
    assert counts(app) == (0, 0, 0)


def test_demo_is_idempotent_and_prints_logins(app, auth_clock):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    assert "admin@villeneuve-sur-loire.fr" in first.output and "demo-grc-2026" in first.output
    after_first = counts(app)
    assert run(app, "demo").exit_code == 0
    assert counts(app) == after_first
    assert after_first[0] == 2
    # Demo admins sign in with the two-step key the command prints.
    import pyotp

    from grc_core.demo import DEMO_TOTP_SECRET
    from grc_core.plugin_api.testing import csrf_token

    output = first.output
    assert "admin@villeneuve-sur-loire.fr            Claire Morel (admin) — code à 6 chiffres demandé" in output
    assert "accueil@villeneuve-sur-loire.fr          Nadia Benali (accueil)\n" in output
    assert "« grc demo-code »" in output and "GRCD EMOG RCDE MOGR CDEM OGRC DEMO GRC2" in output
    client = app.test_client()
    response = client.post("/login", data={"email": "admin@villeneuve-sur-loire.fr", "password": "demo-grc-2026",
                                            "csrf_token": csrf_token(client)})
    assert response.headers["Location"].endswith("/login/code")
    response = client.post("/login/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).at(auth_clock.moment),
                                                "csrf_token": csrf_token(client, "/login/code")})
    assert response.headers["Location"] == "/admin/"
    code = run(app, "demo-code").output.strip()
    assert code.isdigit() and len(code) == 6
    assert pyotp.TOTP(DEMO_TOTP_SECRET).verify(code, valid_window=1)


def test_plugins_list_enable_disable(app):
    names = app.extensions["grc"].names
    if not names:
        pytest.skip("core-only run")
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])
    listing = run(app, "plugins", "list", "--commune", "villeneuve")
    assert f"{names[0]} " in listing.output and "[désactivé]" in listing.output
    assert "activé pour Villeneuve-sur-Loire" in run(app, "plugins", "enable", names[0], "--commune", "villeneuve").output
    assert "déjà activé" in run(app, "plugins", "enable", names[0], "--commune", "villeneuve").output
    assert "données conservées" in run(app, "plugins", "disable", names[0], "--commune", "villeneuve").output


def test_plugins_enable_unknown_plugin_or_commune(app):
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])
    result = run(app, "plugins", "enable", "inexistant", "--commune", "villeneuve")
    assert result.exit_code == 2 and "n'est pas chargé" in result.output
    result = run(app, "plugins", "enable", "inexistant", "--commune", "nulle-part")
    assert result.exit_code == 2 and "Commune « nulle-part » inconnue (communes : villeneuve)" in result.output


def test_users_create(app):
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])
    result = run(app, "users", "create", "--email", "agent@villeneuve.fr", "--name", "Nadia Benali",
                 "--password", "un-mot-de-passe-long", "--commune", "villeneuve", "--role", "accueil")
    assert result.exit_code == 0, result.output
    with app.app_context(), unscoped():
        assert db.session.scalar(select(Membership.role)) == "accueil"
    bad = run(app, "users", "create", "--email", "x@villeneuve.fr", "--name", "X", "--password",
              "un-mot-de-passe-long", "--commune", "villeneuve", "--service", "inexistant")
    assert bad.exit_code == 2 and "Service inconnu" in bad.output
    assert counts(app)[1] == 1


def test_communes_create_and_list(app):
    result = run(app, "communes", "create", "--name", "Saint-Aubin-des-Prés", "--insee", "45902",
                 "--slug", "saint-aubin")
    assert result.exit_code == 0, result.output
    assert "saint-aubin\t45902\tSaint-Aubin-des-Prés" in run(app, "communes", "list").output
    duplicate = run(app, "communes", "create", "--name", "Autre", "--insee", "45903", "--slug", "saint-aubin")
    assert duplicate.exit_code == 2 and "déjà pris" in duplicate.output
    assert counts(app)[0] == 1


def test_serve_without_commune_says_what_to_do(app):
    result = run(app, "serve")
    assert result.exit_code == 2
    assert "grc init" in result.output


def _grc(args, tmp_path, **env):
    environment = {**os.environ, "GRC_INSTANCE_PATH": str(tmp_path), **env}
    environment.pop("GRC_TEST_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", "from grc_core.cli import main; main()", *args],
                          capture_output=True, text=True, env=environment, timeout=120)


def test_unreachable_database_is_one_line_and_non_zero(tmp_path):
    result = _grc(["communes", "list"], tmp_path, GRC_DATABASE_URL="postgresql://postgres@127.0.0.1:1/absente")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Base de données injoignable")
    assert "Traceback" not in result.stderr


def test_unknown_plugin_in_config_is_one_line_and_non_zero(tmp_path):
    result = _grc(["communes", "list"], tmp_path, GRC_PLUGINS="etat_civl")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Erreur de configuration : Plugin inconnu : etat_civl.")
    assert "Traceback" not in result.stderr


@pytest.mark.once  # its own SQLite instance, whatever the run's database
def test_serve_demo_prints_the_url_and_serves_french(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "GRC_INSTANCE_PATH": str(tmp_path)}
    environment.pop("GRC_TEST_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-c", "from grc_core.cli import main; main()", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    try:
        output = []
        # A bound against a hung server, not a speed target: the demo of every plugin takes about a
        # minute of CPU, more on a loaded machine (speed lives in bench/).
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            output.append(line)
            if "GRC est servi sur" in line:
                break
        assert f"http://localhost:{port}/" in "".join(output)
        assert "admin@villeneuve-sur-loire.fr" in "".join(output)
        for _ in range(50):
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/login", headers={"Accept-Language": "fr"})
                page = urllib.request.urlopen(request, timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "Se connecter" in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_users_create_refuses_an_unknown_permission_with_the_valid_ones(app):
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])
    bad = run(app, "users", "create", "--email", "x@villeneuve.fr", "--name", "X", "--password",
              "un-mot-de-passe-long", "--commune", "villeneuve", "--permission", "nosuch.perm")
    assert bad.exit_code == 2
    assert "Permission inconnue dans Villeneuve-sur-Loire : nosuch.perm" in bad.output
    assert "permissions valides : core.admin, core.audit.read, core.segments)" in bad.output
    assert counts(app) == (1, 0, 0)
    good = run(app, "users", "create", "--email", "x@villeneuve.fr", "--name", "X", "--password",
               "un-mot-de-passe-long", "--commune", "villeneuve", "--permission", "core.audit.read")
    assert good.exit_code == 0, good.output
    with app.app_context(), unscoped():
        assert db.session.scalar(select(Membership.permissions)) == ["core.audit.read"]


def test_users_create_refuses_a_permission_of_a_domain_the_commune_does_not_use(app):
    registry = app.extensions["grc"]
    foreign = next((p.code for p in registry.permissions() if not p.code.startswith("core.")), None)
    if foreign is None:
        pytest.skip("no plugin permission loaded")
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])
    bad = run(app, "users", "create", "--email", "x@villeneuve.fr", "--name", "X", "--password",
              "un-mot-de-passe-long", "--commune", "villeneuve", "--permission", foreign)
    assert bad.exit_code == 2 and f"Permission inconnue dans Villeneuve-sur-Loire : {foreign}" in bad.output
    assert counts(app) == (1, 0, 0)
