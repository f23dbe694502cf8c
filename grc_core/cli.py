"""The ``grc`` command: init, demo, serve, plugins, users, communes, db."""
from __future__ import annotations

import sys
from datetime import datetime

import click
import flask_migrate
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate.cli import db as migrate_db_group
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from .extensions import db
from .models import Commune
from .demo import DEMO_PASSWORD
from .plugins.manager import PluginError
from .settings import ConfigError
from .tenancy import use_commune
from .webapi.cli import api_keys_group
from .workflows.deadlines import PARIS, local_date


def _create_app(*_args, **_kwargs):
    from . import create_app
    return create_app()


cli = FlaskGroup(
    name="grc",
    create_app=_create_app,
    add_default_commands=True,
    add_version_option=False,
    help="GRC — Gestion de la Relation Citoyen.",
)
cli.add_command(api_keys_group)


# --- database ------------------------------------------------------------

@click.group("db", help="Schéma de la base (Alembic) : upgrade, downgrade, current, history…")
@with_appcontext
def db_group():
    # Flask-Migrate's commands read these; the directory comes from create_app.
    from flask import g

    g.directory = None
    g.x_arg = ()


for _name, _command in migrate_db_group.commands.items():
    # "init" would create a second migrations folder; "upgrade" defaults to heads below.
    if _name not in ("upgrade", "init"):
        db_group.add_command(_command, _name)


@db_group.command("upgrade", help="Met le schéma à jour : cœur et tous les plugins (révision « heads »).")
@click.argument("revision", default="heads")
@with_appcontext
def db_upgrade(revision):
    flask_migrate.upgrade(revision=revision)


cli.add_command(db_group)


def ensure_schema() -> None:
    """Create or upgrade the schema (quietly) — what ``grc init`` and ``serve`` need."""
    flask_migrate.upgrade(revision="heads")


def _commune(slug: str) -> Commune:
    commune = db.session.scalar(select(Commune).where(Commune.slug == slug))
    if commune is None:
        known = ", ".join(db.session.scalars(select(Commune.slug).order_by(Commune.slug))) or "aucune"
        raise click.UsageError(f"Commune « {slug} » inconnue (communes : {known}).")
    return commune


# --- init, demo, serve ---------------------------------------------------------

@cli.command("init", help="Crée la base, la première commune et son premier administrateur.")
@click.option("--commune-name", prompt="Nom de la commune")
@click.option("--insee", prompt="Code INSEE")
@click.option("--slug", prompt="Identifiant court (URL publique)")
@click.option("--admin-email", prompt="Adresse e-mail de l'administrateur")
@click.option("--admin-name", prompt="Nom de l'administrateur")
@click.option("--admin-password", prompt="Mot de passe", hide_input=True, confirmation_prompt=True)
@with_appcontext
def init_command(commune_name, insee, slug, admin_email, admin_name, admin_password):
    from .accounts import get_or_create_agent, get_or_create_commune

    if len(admin_password) < 10:
        raise click.UsageError("Le mot de passe doit compter au moins 10 caractères.")
    ensure_schema()
    commune, created = get_or_create_commune(commune_name, insee, slug)
    get_or_create_agent(commune, admin_email, admin_name, admin_password, "admin", platform_admin=True)
    db.session.commit()
    state = "créée" if created else "déjà présente"
    click.echo(f"Commune {commune.name} ({commune.insee_code}) {state} ; administrateur : {admin_email}.")


@cli.command("demo", help="Crée (ou complète) les données de démonstration ; peut être relancé.")
@with_appcontext
def demo_command():
    from .demo import load_demo

    ensure_schema()
    for line in load_demo(DEMO_PASSWORD):
        click.echo(line)


@cli.command("demo-code", help="Affiche le code du moment des comptes de démonstration en deux étapes "
                               "(clé publique de démonstration ; sans effet sur les autres comptes).")
def demo_code_command():
    import pyotp

    from .demo import DEMO_TOTP_SECRET

    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())


@cli.command("serve", help="Prépare ce qui manque et sert GRC (HTTP, une machine).")
@click.option("--demo", is_flag=True, help="Charge les données de démonstration.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(demo, host, port):
    from .demo import load_demo

    ensure_schema()
    if demo:
        for line in load_demo(DEMO_PASSWORD):
            click.echo(line)
    elif db.session.scalar(select(Commune.id).limit(1)) is None:
        raise click.UsageError("Aucune commune : lancez « grc init » ou « grc serve --demo ».")
    app = current_app._get_current_object()
    # The built-in server speaks plain HTTP: a Secure cookie would never come back.
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = False
    url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"
    click.echo(f"GRC est servi sur {url} (Ctrl+C pour arrêter).")
    from werkzeug.serving import run_simple
    run_simple(host, port, app, threaded=True, use_reloader=False)


# --- plugins ---------------------------------------------------------------

@cli.group("plugins", help="Plugins (domaines) installés et activés par commune.")
def plugins_group():
    pass


@plugins_group.command("list")
@click.option("--commune", "slug", help="Affiche l'état d'activation pour cette commune.")
@with_appcontext
def plugins_list(slug):
    from .tenancy.activation import active_plugins

    registry = current_app.extensions["grc"]
    active = set(active_plugins(_commune(slug))) if slug else set()
    for manifest in registry.manifests.values():
        depends = f" (requiert : {', '.join(manifest.depends)})" if manifest.depends else ""
        state = (" [activé]" if manifest.name in active else " [désactivé]") if slug else ""
        click.echo(f"{manifest.name} {manifest.version} — {manifest.label}{depends}{state}")


@plugins_group.command("enable")
@click.argument("plugin")
@click.option("--commune", "slug", required=True)
@with_appcontext
def plugins_enable(plugin, slug):
    from .tenancy.activation import enable_plugin

    commune = _commune(slug)
    try:
        changed = enable_plugin(commune, plugin)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(f"{plugin} {'activé' if changed else 'déjà activé'} pour {commune.name}.")


@plugins_group.command("disable")
@click.argument("plugin")
@click.option("--commune", "slug", required=True)
@with_appcontext
def plugins_disable(plugin, slug):
    from .tenancy.activation import disable_plugin

    commune = _commune(slug)
    try:
        changed = disable_plugin(commune, plugin)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(f"{plugin} {'désactivé (données conservées)' if changed else 'déjà désactivé'} pour {commune.name}.")


# The plugin scaffold (grc_core/plugins/scaffold.py) needs no app nor database.
from .plugins.scaffold import plugin_group  # noqa: E402

cli.add_command(plugin_group)


# --- users and communes ------------------------------------------------------

@cli.group("users", help="Comptes des agents.")
def users_group():
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--password", prompt="Mot de passe", hide_input=True, confirmation_prompt=True)
@click.option("--commune", "slug", required=True)
@click.option("--role", type=click.Choice(["admin", "manager", "agent", "accueil", "elu"]), default="agent",
              show_default=True)
@click.option("--service", "services", multiple=True, help="Code de service (répétable).")
@click.option("--permission", "permissions", multiple=True, help="Permission supplémentaire (répétable).")
@click.option("--platform-admin", is_flag=True, help="Administrateur de toute la plateforme.")
@with_appcontext
def users_create(email, full_name, password, slug, role, services, permissions, platform_admin):
    from .accounts import get_or_create_agent
    from .security.passwords import MIN_LENGTH

    if len(password) < MIN_LENGTH:
        raise click.UsageError(f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères.")
    try:
        _user, created = get_or_create_agent(_commune(slug), email, full_name, password, role,
                                             list(services), list(permissions), platform_admin)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    click.echo(f"Compte {email} {'créé' if created else 'existant, rattaché'} ({role}, {slug}).")


@users_group.command("reset-2fa", help="Désactive la connexion en deux étapes d'un compte (téléphone et codes de "
                                        "secours perdus) ; l'agent la configure de nouveau à sa prochaine connexion "
                                        "si son rôle l'exige. Ferme ses sessions.")
@click.option("--email", required=True)
@with_appcontext
def users_reset_two_factor(email):
    from sqlalchemy import func

    from .audit import record
    from .models import User
    from .security import sessions, two_factor

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"Aucun compte « {email} ».")
    two_factor.reset(user)
    sessions.revoke_all(user.id)
    record("agent.two_factor_reset", target=user.email, details={"by": "cli"}, commit=False)
    db.session.commit()
    click.echo(f"Connexion en deux étapes réinitialisée pour {user.email} ; ses sessions sont fermées.")


@cli.group("communes", help="Communes hébergées par ce déploiement.")
def communes_group():
    pass


@communes_group.command("create")
@click.option("--name", required=True)
@click.option("--insee", required=True)
@click.option("--slug", required=True)
@click.option("--hostnames", default="", help="Noms d'hôte publics, séparés par des virgules.")
@click.option("--plugins", "plugin_list", default="", help="Plugins à activer, séparés par des virgules.")
@with_appcontext
def communes_create(name, insee, slug, hostnames, plugin_list):
    from .accounts import get_or_create_commune

    plugins = [p.strip() for p in plugin_list.split(",") if p.strip()]
    if db.session.scalar(select(Commune.id).where(Commune.slug == slug)):
        raise click.UsageError(f"L'identifiant « {slug} » est déjà pris.")
    try:
        commune, created = get_or_create_commune(name, insee, slug, hostnames, plugins)
    except ValueError as error:
        db.session.rollback()
        raise click.UsageError(str(error)) from None
    if not created:
        raise click.UsageError(f"Le code INSEE {insee} est déjà celui de {commune.name}.")
    db.session.commit()
    click.echo(f"Commune {name} ({insee}) créée ; plugins activés : {', '.join(plugins) or 'aucun'}.")


@communes_group.command("list")
@with_appcontext
def communes_list():
    for commune in db.session.scalars(select(Commune).order_by(Commune.name)):
        click.echo(f"{commune.slug}\t{commune.insee_code}\t{commune.name}{'' if commune.active else ' (inactive)'}")


@communes_group.command("export", help="Écrit toute une commune (données du cœur et des plugins, pièces jointes) "
                                        "dans une archive, pour la déplacer vers un autre déploiement.")
@click.argument("slug")
@click.argument("archive", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def communes_export(slug, archive):
    from .storage import storage
    from .tenancy.transfer import TransferError, export_commune

    try:
        counts = export_commune(slug, archive, storage())
    except TransferError as error:
        raise click.UsageError(str(error)) from None
    finally:
        db.session.rollback()
    click.echo(f"Commune « {slug} » écrite dans {archive} : {sum(counts.values())} ligne(s), "
               f"{counts.get('attachment', 0)} pièce(s) jointe(s).")


@communes_group.command("import", help="Importe une commune écrite par « grc communes export » (identifiants "
                                        "renumérotés). Refuse une commune dont l'identifiant ou le code INSEE "
                                        "existe déjà.")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def communes_import(archive):
    from .storage import storage
    from .tenancy.transfer import TransferError, import_commune

    try:
        commune_id, counts = import_commune(archive, storage())
    except TransferError as error:
        raise click.UsageError(str(error)) from None
    commune = db.session.get(Commune, commune_id)
    click.echo(f"Commune {commune.name} ({commune.slug}) importée : {sum(counts.values())} ligne(s), "
               f"{counts.get('attachment', 0)} pièce(s) jointe(s).")


# --- timers and outbox ----------------------------------------------------------

def _parse_now(text: str) -> datetime:
    """An ISO 8601 moment; without a zone it is read on the commune's clock (Paris)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"« {text} » n'est pas une date ISO 8601 (ex. 2026-12-06T14:00).",
                                 param_hint="--now") from None
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment


@cli.command("tick", help="Déclenche les minuteries échues (relances, délais) et envoie les e-mails en attente. "
                          "Idempotent : à lancer par cron ou par un worker, par exemple chaque minute.")
@click.option("--now", "now_text", default=None, metavar="ISO",
              help="Date et heure du passage (ISO 8601, par ex. 2026-12-06T14:00+01:00 ; sans fuseau : heure de "
                   "Paris), pour rejouer ou tester un passage sans toucher à la base.")
@with_appcontext
def tick_command(now_text):
    from .workflows.timers import tick

    from .requests.export_jobs import purge_expired
    from .retention.engine import run_all

    now = _parse_now(now_text) if now_text else None
    counts = tick(now)
    refused = f" (refusées : {counts['refused']})" if counts["refused"] else ""
    click.echo(
        f"{counts['communes']} commune(s) parcourue(s) ; minuteries déclenchées : {counts['fired']}{refused} ; "
        f"e-mails envoyés : {counts['sent']}, en échec : {counts['failed']}."
    )
    from .notifications.outbox import waiting_sms
    from .notifications.sms import gateway

    if gateway() is None and (unsent := waiting_sms()):
        click.echo(f"SMS en attente : {unsent} (aucune passerelle SMS configurée : GRC_SMS_GATEWAY_URL).")
    from .webapi.webhooks import deliver_due

    hooks = deliver_due(now)
    if any(hooks.values()):
        click.echo(f"Webhooks : {hooks['delivered']} livré(s), {hooks['retrying']} à réessayer, "
                   f"{hooks['failed']} en échec définitif.")
    # After the timers: a request a timer just closed is counted from today.
    kept = run_all(local_date(now) if now else None)
    failed = f" (politiques en échec : {kept['failed']})" if kept["failed"] else ""
    click.echo(f"Conservation des données : {kept['anonymised']} enregistrement(s) anonymisé(s){failed}.")
    purged = purge_expired(now)
    if purged:
        click.echo(f"Exports expirés supprimés : {purged}.")
    from .portal.anonymous import purge_expired as purge_pending_filings

    dropped = purge_pending_filings(now)
    if dropped:
        click.echo(f"Démarches sans compte non confirmées supprimées : {dropped}.")


@cli.group("retention", help="Conservation des données (RGPD) : ce qui sera anonymisé, et quand.")
def retention_group():
    pass


@retention_group.command("list", help="Liste, par politique, ce qui est dû et ce qui le sera sous 30 jours.")
@click.option("--commune", "slug", required=True)
@with_appcontext
def retention_list(slug):
    from .retention.engine import pending

    for preview in pending(_commune(slug)):
        click.echo(f"{preview.policy.code} — {preview.policy.label} : {len(preview.due)} dû(s), "
                   f"{len(preview.upcoming)} à venir.")
        if not preview.shown_to(frozenset()):
            # Nobody is signed in here: confidential records are counted, not named.
            click.echo("  (dossiers confidentiels : seuls les agents habilités voient lesquels, dans le back-office)")
            continue
        for candidate in preview.due + preview.upcoming:
            click.echo(f"  {candidate.due_on.strftime('%d/%m/%Y')}  {candidate.label}")


@retention_group.command("run", help="Anonymise maintenant ce qui est dû.")
@click.option("--commune", "slug", required=True)
@click.option("--background", is_flag=True, help="Confie le travail à la file d'attente (REDIS_URL).")
@with_appcontext
def retention_run(slug, background):
    from .retention.engine import run_retention

    if background and _queued("retention.run", _commune(slug)):
        return
    for code, count in run_retention(_commune(slug)).items():
        click.echo(f"{code} : {'échec (voir le journal)' if count is None else f'{count} anonymisé(s)'}.")


REASONS_FR = {
    "missing": "un événement manque (supprimé)",
    "unlinked": "il ne pointe pas vers l'événement précédent (inséré ou remplacé)",
    "altered": "il a été modifié depuis son écriture",
}


@cli.group("audit", help="Journal d'audit.")
def audit_group():
    pass


@audit_group.command("verify", help="Vérifie la chaîne de hachage du journal d'audit (par commune, et celle de la "
                                    "plateforme) ; signale le premier maillon rompu.")
@click.option("--commune", "slug", default=None, help="Une seule commune (par défaut : toutes, et la plateforme).")
@with_appcontext
def audit_verify(slug):
    from .audit_chain import chains, verify_chain
    from .tenancy import unscoped

    with unscoped():
        selected = [_commune(slug).id] if slug else chains()
        names = dict(db.session.execute(select(Commune.id, Commune.slug)).all())
        broken = 0
        for chain in selected:
            report = verify_chain(chain)
            name = f"commune {names.get(chain, chain)}" if chain else "plateforme"
            if report.ok:
                click.echo(f"{name} : {report.length} événement(s), chaîne intacte.")
            else:
                broken += 1
                click.echo(f"{name} : chaîne rompue à l'événement n° {report.broken_at} (id {report.event_id}) — "
                           f"{REASONS_FR[report.reason_code]} ; {report.length} événement(s) vérifié(s) avant.")
    if broken:
        raise SystemExit(1)


@cli.group("outbox", help="E-mails sortants (file d'attente) : envoi et nouvelles tentatives.")
def outbox_group():
    pass


@outbox_group.command("send", help="Envoie les e-mails en attente dont l'heure est venue.")
@click.option("--limit", default=100, show_default=True, type=int, help="Nombre maximal d'e-mails.")
@with_appcontext
def outbox_send(limit):
    from .notifications import send_pending

    sent, failed = send_pending(limit=limit)
    click.echo(f"E-mails envoyés : {sent} ; en échec (nouvelle tentative plus tard) : {failed}.")


@cli.group("indicators", help="Indicateurs des tableaux de bord.")
def indicators_group():
    pass


@indicators_group.command("rebuild", help="Recompte les compteurs quotidiens et les histogrammes de durées "
                                          "des demandes d'une commune (après un chargement en masse hors de "
                                          "l'application).")
@click.option("--commune", "slug", required=True, help="Identifiant court de la commune.")
@click.option("--background", is_flag=True, help="Confie le travail à la file d'attente (REDIS_URL).")
@with_appcontext
def indicators_rebuild(slug, background):
    from .indicators.daily import rebuild

    commune = _commune(slug)
    if background and _queued("indicators.rebuild", commune):
        return
    with use_commune(commune.id):
        rows = rebuild(commune.id)
        db.session.commit()
    click.echo(f"{commune.name} : {rows} ligne(s) de compteurs et d'histogrammes recalculée(s).")


def _queued(job_name: str, commune: Commune) -> bool:
    """Queue the job for the commune when there is a queue (and say so);
    False: no queue, the command does the work itself."""
    from .jobs import enqueue, queue_configured

    if not queue_configured():
        click.echo("Pas de file d'attente (REDIS_URL vide) : le travail est fait maintenant.")
        return False
    click.echo(f"Tâche {job_name} mise en file d'attente pour {commune.name} : {enqueue(job_name, commune_id=commune.id)}.")
    return True


# --- background jobs -------------------------------------------------------------

@cli.command("worker", help="Exécute les tâches de fond de la file d'attente Redis (REDIS_URL), avec leurs "
                            "nouvelles tentatives.")
@click.option("--burst", is_flag=True, help="S'arrête quand la file est vide.")
@with_appcontext
def worker_command(burst):
    from .jobs import queue_configured
    from .jobs.worker import run_worker

    if not queue_configured():
        raise click.UsageError("REDIS_URL n'est pas configuré : sans file d'attente, lancez « grc tick » par cron "
                               "(ou « grc scheduler »).")
    run_worker(burst=burst)


@cli.command("scheduler", help="Toutes les TICK_INTERVAL_SECONDS secondes, met « tick » en file d'attente "
                               "(sans REDIS_URL : l'exécute ici, comme cron lancerait « grc tick »).")
@click.option("--beats", type=int, default=None, help="Nombre de battements avant de s'arrêter (défaut : jamais).")
@with_appcontext
def scheduler_command(beats):
    from .jobs.worker import run_scheduler

    interval = int(current_app.config["GRC"].get("TICK_INTERVAL_SECONDS") or 60)
    click.echo(f"Planificateur : « tick » toutes les {interval} s.")
    run_scheduler(interval, beats)


def main() -> None:
    """Entry point: one clear line instead of a traceback for setup errors."""
    try:
        cli.main(prog_name="grc")
    except (PluginError, ConfigError) as error:
        click.echo(f"Erreur de configuration : {error}", err=True)
        sys.exit(2)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        click.echo(f"Base de données injoignable : {reason}", err=True)
        sys.exit(3)


