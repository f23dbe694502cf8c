"""The dummy plugin: one small, observable answer to every hook of the contract.

Loaded by the plugin API tests only (``extra_plugins={"dummy":
"tests.plugins.dummy.plugin"}``); ``tests/test_docs.py`` checks that it
implements every hook of :mod:`grc_core.plugin_api.hookspecs`.

Event and lifecycle hooks write a journal into the commune's settings, under
the plugin's own key ``dummy.journal``: it is observable from a test through
the database and follows the caller's transaction. The dummy has no table of
its own, so that it adds nothing to the SQLAlchemy metadata that the other
test apps of the same process share.

A few implementations accept only some of the hook's arguments, as any
plugin may.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, current_app
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from grc_core.plugin_api import (
    LOCAL_TIMEZONE, Citizen, CitizenPanel, Commune, DataCategory, DemarcheInfo, FieldError, FieldSpec,
    IndicatorDecl, MenuItem, PermissionDecl, PluginManifest, ProcessingActivityDecl, Request, RequestPanel,
    RequestType, RequestTypeDecl, RetentionPolicyDecl, RoutingDecision, RoutingRuleDecl, SecureView,
    SegmentCriterionDecl, Service, ServiceDecl, SettingDecl, StateSpec, TimerSpec,
    TransitionSpec, WidgetDecl, WorkflowDecl, can, current_commune, db, hookimpl, plugins_active_in,
)

HERE = Path(__file__).parent
JOURNAL = "dummy.journal"
TICKS = "dummy.ticks"
GARE_NOT_CLOSED = "Un signalement factice du quartier de la gare ne se clôt qu'après une visite."
GARE_SHELTERS = "Les abribus du quartier de la gare relèvent de l'intercommunalité, pas de la commune."
REFUSAL_TOO_VAGUE = "Un refus factice se motive : « non » ne suffit pas."

manifest = PluginManifest(
    name="dummy",
    # Messages of the plugin's own catalog (domain grc_dummy).
    label=_l("Dummy domain"),
    version="1.0.0",
    description=_l("Implements every GRC hook, for the tests of the plugin API."),
    author="GRC",
)

GREETING = SettingDecl(
    "dummy.greeting", "Formule d'accueil du registre factice", "Bonjour",
    help="Première phrase de la page du registre factice.",
)

# Local part of the e-mail, name, role, services, extra permissions.
DEMO_AGENTS = (
    ("registre-factice", "Lucie Perrin", "agent", ["dummy.accueil"], []),
)


def journal(commune: Commune) -> list[str]:
    """What the event and lifecycle hooks noted for the commune, oldest first."""
    return list((commune.settings or {}).get(JOURNAL, []))


def _note(commune: Commune, entry: str) -> None:
    # A new dict: the JSON column only notices assignments.
    settings = dict(commune.settings or {})
    settings[JOURNAL] = [*settings.get(JOURNAL, []), entry]
    commune.settings = settings


# --- wiring --------------------------------------------------------------------

bp = Blueprint("dummy", __name__, url_prefix="/dummy", template_folder="templates")


@bp.route("/")
@login_required
def registre():
    commune = current_commune()
    greeting = (commune.settings or {}).get(GREETING.code, GREETING.default)
    text = f"{greeting} ! Registre factice de {commune.name}."
    return text, 200, {"Content-Type": "text/plain; charset=utf-8"}


class PanelView(SecureView):
    permission = "dummy.read"

    @expose("/")
    def index(self):
        commune = current_commune()
        request_types = current_app.extensions["grc"].request_types(plugins_active_in(commune))
        return self.render("dummy/panel.html", commune=commune, request_types=request_types)


@hookimpl
def grc_blueprints():
    return [bp]


@hookimpl
def grc_admin_views():
    # A view instance belongs to one Admin: a new one for each app.
    return [PanelView(name="Tableau factice", endpoint="dummy_panel", category="Domaine factice")]


@hookimpl
def grc_migrations_dir():
    return str(HERE / "migrations" / "versions")


@hookimpl
def grc_translations_dir():
    return str(HERE / "translations")


@hookimpl
def grc_register_commands(cli):
    @cli.group("dummy", help="Domaine factice (tests de l'API des plugins).")
    def dummy_group():
        pass

    @dummy_group.command("journal", help="Affiche le journal du domaine factice pour une commune.")
    @click.option("--commune", "slug", required=True, help="Identifiant court de la commune.")
    def show_journal(slug):
        commune = db.session.scalar(select(Commune).where(Commune.slug == slug))
        if commune is None:
            raise click.UsageError(f"Commune « {slug} » inconnue.")
        entries = journal(commune)
        for entry in entries:
            click.echo(entry)
        if not entries:
            click.echo(f"Journal vide pour {commune.name}.")


@hookimpl
def grc_register_settings():
    return [GREETING]


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("dummy.read", "Consulter le tableau factice", "Page d'administration du domaine factice.",
                       ("admin", "manager", "agent")),
    ]


# --- declarations ----------------------------------------------------------------

@hookimpl
def grc_register_services():
    return [ServiceDecl("dummy.accueil", "Accueil factice", "Direction des tests", "accueil-factice@example.org")]


@hookimpl
def grc_register_request_types():
    return [
        RequestTypeDecl(
            "dummy.signalement", "Signalement factice", service="dummy.accueil", workflow="dummy.simple",
            fields=(
                FieldSpec("motif", "Motif", "textarea", required=True),
                FieldSpec("quartier", "Quartier", "choice", choices=(("centre", "Centre"), ("gare", "Gare"))),
                FieldSpec("danger_immediat", "Danger immédiat", "boolean"),
            ),
            sla_days=5, public=True, order=50,
        ),
        RequestTypeDecl(
            "dummy.attestation", "Attestation factice", service="dummy.accueil", workflow="dummy.simple",
            channels=("guichet", "courrier"), order=10,
        ),
    ]


@hookimpl
def grc_register_workflows():
    return [
        WorkflowDecl(
            "dummy.simple", "Traitement factice",
            states=(
                StateSpec("nouvelle", "Nouvelle", "new"),
                StateSpec("en_cours", "En cours", "open"),
                StateSpec("close", "Close", "closed"),
            ),
            transitions=(
                TransitionSpec("prendre", "Prendre en charge", ("nouvelle",), "en_cours", set_due_days=5),
                TransitionSpec("clore", "Clore", ("en_cours",), "close", notify_citizen=True),
                # Fields of the decision only: asked when refusing, kept in the history.
                TransitionSpec("refuser", "Refuser", ("nouvelle", "en_cours"), "close", fields=(
                    FieldSpec("motif_refus", "Motif du refus", "textarea", required=True, max=500),
                    FieldSpec("date_decision", "Date de la décision", "date", required=True),
                )),
            ),
            timers=(
                TimerSpec("relance", "en_cours", "clore", delay_days=30),
                # A danger not taken in charge within 4 hours: the service's manager is alerted and given it.
                TimerSpec("alerte_danger", "nouvelle", action="escalate", escalate=("notify", "assign"),
                          delay_hours=4, condition=("danger_immediat", ("oui",))),
            ),
        ),
    ]


@hookimpl
def grc_register_routing_rules():
    return [
        RoutingRuleDecl("dummy.centre", request_type="dummy.signalement", service="dummy.accueil",
                        conditions=(("quartier", "centre"),), priority="haute", order=20),
        RoutingRuleDecl("dummy.attestations", request_type="dummy.attestation", service="dummy.accueil", order=10),
    ]


def count_submitted(commune, filters=None) -> int:
    """Requests of the dummy's journal submitted in the commune."""
    return sum(1 for entry in journal(commune) if entry.startswith("submitted "))


@hookimpl
def grc_register_indicators():
    return [
        IndicatorDecl("dummy.soumises", "Demandes factices soumises", "demandes", compute=count_submitted,
                      description="Compte les demandes notées dans le journal factice."),
    ]


@hookimpl
def grc_register_dashboard_widgets():
    return [
        WidgetDecl("dummy.soumises_tendance", "Demandes factices (tendance)", indicator="dummy.soumises",
                   kind="line", dashboard="strategic", order=70),
        WidgetDecl("dummy.soumises_nombre", "Demandes factices", indicator="dummy.soumises", order=30),
    ]


def journal_candidates(commune, today):
    """Journal entries are due the day they are written: the journal forgets."""
    from grc_core.plugin_api import RetentionCandidate

    return [RetentionCandidate(str(n), f"Entrée {n + 1} du journal factice", today)
            for n, entry in enumerate(journal(commune)) if entry != "anonymised"]


def anonymise_journal(commune, keys) -> int:
    keys = {int(key) for key in keys}
    entries = journal(commune)
    settings = dict(commune.settings or {})
    settings[JOURNAL] = ["anonymised" if n in keys else entry for n, entry in enumerate(entries)]
    commune.settings = settings
    return sum(1 for n in keys if n < len(entries) and entries[n] != "anonymised")


@hookimpl
def grc_register_retention_policies():
    return [
        RetentionPolicyDecl("dummy.journal", "Journal factice", "Le journal factice est effacé dès qu'il est écrit.",
                            candidates=journal_candidates, anonymise=anonymise_journal),
    ]


def _filed_about(params, context):
    """People who filed a dummy report with ``motif`` in it (readable ones only: the core's rule)."""
    reports = select(Request.citizen_id).join(RequestType, RequestType.id == Request.request_type_id).where(
        RequestType.code == "dummy.signalement", Request.commune_id == context.commune_id)
    if params["motif"]:
        reports = reports.where(Request.data["motif"].as_string().contains(params["motif"]))
    return Citizen.id.in_(reports)


@hookimpl
def grc_register_segment_criteria():
    return [
        SegmentCriterionDecl("dummy.signaleurs", "Auteurs d'un signalement factice", _filed_about,
                             (FieldSpec("motif", "Motif contient", "text", max=100),),
                             permission="dummy.read"),
    ]


@hookimpl
def grc_register_processing_activities():
    return [
        ProcessingActivityDecl(
            "dummy.signalements", "Signalements factices",
            purpose="Traiter les signalements factices des habitants.",
            legal_basis="public_task", legal_reference="Code factice, art. 1er",
            data_subjects=("Habitants auteurs d'un signalement",),
            data_categories=(DataCategory("Identité et coordonnées"), DataCategory("Motif du signalement")),
            recipients=("Accueil factice",),
            retention="Effacé dès l'écriture du journal.", retention_policy="dummy.journal",
        ),
    ]


# --- contributions per page ------------------------------------------------------

@hookimpl
def grc_menu_items(user):
    items = [MenuItem("Registre factice", "dummy.registre", order=60)]
    if can("dummy.read"):
        items.append(MenuItem("Tableau factice", "dummy_panel.index", category="Domaine factice", order=20))
    return items


@hookimpl
def grc_citizen_panels(citizen, requests, commune):
    # Every request it is given, whatever its type: what the core lets through.
    return [CitizenPanel("Registre factice", "dummy/citizen_panel.html",
                         {"citizen": citizen, "commune": commune, "requests": requests}, order=30)]


@hookimpl
def grc_request_panels(request, user):
    if not request.request_type.code.startswith("dummy."):
        return None
    return [RequestPanel("Suivi factice", "dummy/request_panel.html", {"request": request, "user": user}, order=30)]


@hookimpl
def grc_portal_request_panels(request, account):
    if not request.request_type.code.startswith("dummy."):
        return None
    return [RequestPanel("Votre signalement", "dummy/portal_panel.html", {"request": request, "account": account})]


@hookimpl
def grc_portal_demarche_info(request_type):
    if not request_type.code.startswith("dummy."):
        return None
    return DemarcheInfo(description="Signaler un lampadaire <b>éteint</b>.", who="Tout habitant.",
                        pieces=("Une photo", "Le numéro du lampadaire"), delay="Réparé sous 5 jours.")


# --- events ------------------------------------------------------------------------

@hookimpl
def grc_validate_request(request_type, data):
    if not request_type.code.startswith("dummy."):
        return None
    if any("refuse" in str(value) for value in data.values()):
        return ["Le signalement factice ne peut pas contenir le mot « refuse »."]
    if data.get("quartier") == "gare" and "abribus" in str(data.get("motif", "")).lower():
        # About one field: shown next to it.
        return [FieldError("quartier", GARE_SHELTERS)]
    return []


@hookimpl
def grc_check_transition(request, transition, fields):
    if transition.code == "refuser" and str(fields.get("motif_refus", "")).strip().lower() == "non":
        # About one of the transition's own fields: shown next to it.
        return [FieldError("motif_refus", REFUSAL_TOO_VAGUE)]
    # A guard data cannot express: the station is visited before closing.
    if transition.code != "clore" or not request.request_type.code.startswith("dummy."):
        return None
    if (request.data or {}).get("quartier") == "gare":
        return [GARE_NOT_CLOSED]
    return []


@hookimpl
def grc_request_submitted(request, commune):
    _note(commune, f"submitted {request.reference}")


@hookimpl
def grc_request_transitioned(request, transition, fields, actor, commune):
    entry = f"transitioned {request.reference} {transition.code} by {actor.email if actor else 'system'}"
    if fields.get("date_decision"):
        entry += f" on {fields['date_decision']}"
    _note(commune, entry)


def ticks(commune: Commune) -> list[str]:
    """The local days on which grc_tick ran for the commune (kept apart from the
    journal, which the dummy's retention policy empties)."""
    return list((commune.settings or {}).get(TICKS, []))


@hookimpl
def grc_tick(commune, now):
    # Once per local day, however often tick runs: the run's clock, not the system's.
    day = now.astimezone(LOCAL_TIMEZONE).date().isoformat()
    if day not in ticks(commune):
        commune.settings = {**(commune.settings or {}), TICKS: [*ticks(commune), day]}


@hookimpl
def grc_rebuild_indicators(commune, connection):
    # The dummy keeps no aggregate: it notes the call and wrote no row.
    _note(commune, "indicators rebuilt")
    return 0


# --- decisions ---------------------------------------------------------------------

@hookimpl
def grc_route_request(request):
    # The centre's reports are left to the default rule dummy.centre (asked after the hooks).
    if request.request_type.code != "dummy.signalement" or (request.data or {}).get("quartier") == "centre":
        return None
    return RoutingDecision("dummy.accueil", "Signalement factice : accueil factice.", priority="normale")


# --- lifecycle -----------------------------------------------------------------------

@hookimpl
def grc_plugin_enabled(commune):
    # The core creates the declared services before calling this hook.
    services = db.session.scalars(select(Service.code).where(Service.plugin == "dummy").order_by(Service.code))
    _note(commune, f"enabled services={','.join(services)}")


@hookimpl
def grc_plugin_disabled(commune):
    _note(commune, "disabled")


@hookimpl
def grc_demo_data(commune):
    from grc_core.plugin_api import demo_agents

    demo_agents(commune, DEMO_AGENTS)
