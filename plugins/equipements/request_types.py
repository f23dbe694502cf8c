"""The plugin's request types and routing, as data (workflows: workflows.py).

Labels here are copied into the commune's own rows (editable there): they
are English sources, translated by the plugin's catalog (grc_core.copied_labels). Times are chosen by the half-hour (the form has no
time type; a choice cannot be malformed).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import FieldSpec, RequestTypeDecl, RoutingRuleDecl

from . import rules
from .models import CATEGORY_LABELS, LOAN_MODES

SERVICE = "equipements.equipements"
RESERVATION = "equipements.reservation"
CRENEAUX = "equipements.creneaux"
PRET = "equipements.pret"
BUVETTE = "equipements.buvette"
TYPES = (RESERVATION, CRENEAUX, PRET, BUVETTE)

HOURS = tuple((f"{m // 60:02d}:{m % 60:02d}", f"{m // 60:02d}:{m % 60:02d}") for m in range(0, 24 * 60 + 1, 30))
WEEKDAY_CHOICES = tuple((str(i), name) for i, name in enumerate((
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))))
# The licence groups of the code de la santé publique (L3321-1).
GROUPS = (("1", _l("Group 1: soft drinks")), ("3", _l("Group 3: fermented drinks (wine, beer, cider…)")),
          ("4", _l("Group 4: rums, tafias")), ("5", _l("Group 5: other spirits")))
ORGANISERS = tuple((kind.value, label) for kind, label in (
    (rules.OrganiserKind.ASSOCIATION, _l("Association")),
    (rules.OrganiserKind.SPORTS_ASSOCIATION, _l("Sports association")),
    (rules.OrganiserKind.OTHER, _l("Other organiser")),
))
FACILITY_HELP = _l("Name or code of the facility (festival hall, gymnasium…).")


def _period(what) -> tuple[FieldSpec, ...]:
    """Start and end of a booking, a loan or a refreshment bar; ``what`` reads « of the booking »."""
    return (
        FieldSpec("date_debut", _l("Start date %(what)s", what=what), "date", required=True),
        FieldSpec("heure_debut", _l("Start time"), "choice", required=True, choices=HOURS),
        FieldSpec("date_fin", _l("End date %(what)s", what=what), "date", required=True),
        FieldSpec("heure_fin", _l("End time"), "choice", required=True, choices=HOURS),
    )


def request_types() -> list[RequestTypeDecl]:
    return [
        RequestTypeDecl(
            RESERVATION, _l("Booking of a room or a facility"), SERVICE, "equipements.reservation",
            fields=(
                FieldSpec("equipement", _l("Facility"), required=True, help=FACILITY_HELP),
                FieldSpec("categorie", _l("User category"), "choice", required=True, choices=CATEGORY_LABELS,
                          help=_l("Justified by the citizen's record or a document (an association's statutes…).")),
                *_period(_l("of the booking")),
                FieldSpec("objet", _l("Purpose of the event"), required=True),
                FieldSpec("participants", _l("Number of participants expected"), "integer", required=True, min=1,
                          max=100000),
                FieldSpec("organisateur", _l("Association or organisation (if any)")),
                FieldSpec("attestation_assurance", _l("Certificate of third-party liability insurance"), "file",
                          help=_l("Required before the booking is confirmed.")),
            ),
            sla_days=10, public=True, order=10,
        ),
        RequestTypeDecl(
            CRENEAUX, _l("An association's regular slots for a season"), SERVICE, "equipements.creneaux",
            fields=(
                FieldSpec("equipement", _l("Facility"), required=True, help=FACILITY_HELP),
                FieldSpec("association", _l("Association"), required=True),
                FieldSpec("jour", _l("Day of the week"), "choice", required=True, choices=WEEKDAY_CHOICES),
                FieldSpec("heure_debut", _l("Start time"), "choice", required=True, choices=HOURS),
                FieldSpec("heure_fin", _l("End time"), "choice", required=True, choices=HOURS),
                FieldSpec("premier_jour", _l("First day of the season"), "date", required=True),
                FieldSpec("dernier_jour", _l("Last day of the season"), "date", required=True),
                FieldSpec("participants", _l("Number of participants per slot"), "integer", required=True, min=1,
                          max=100000),
                FieldSpec("activite", _l("Activity"), required=True),
            ),
            sla_days=30, public=True, order=20,
        ),
        RequestTypeDecl(
            PRET, _l("Equipment loan (tables, chairs, barriers…)"), SERVICE, "equipements.pret",
            fields=(
                *_period(_l("of the loan")),
                FieldSpec("materiel", _l("Equipment requested"), "textarea", required=True,
                          help=_l("One line per item: quantity then name, for example « 20 tables ».")),
                FieldSpec("mode", _l("Delivery or collection"), "choice", required=True, choices=LOAN_MODES),
                FieldSpec("lieu", _l("Delivery place"), condition=("mode", ("livraison",))),
                FieldSpec("objet", _l("Public event or gathering"), required=True),
            ),
            sla_days=10, public=True, order=30,
        ),
        RequestTypeDecl(
            BUVETTE, _l("Temporary refreshment bar (temporary drinks licence)"), SERVICE, "equipements.buvette",
            fields=(
                FieldSpec("association", _l("Organising association"), required=True),
                FieldSpec("organisateur_type", _l("Kind of organiser"), "choice", required=True, choices=ORGANISERS),
                FieldSpec("agrement_sportif", _l("Approved sports association (C. sport L121-4)"), "boolean"),
                FieldSpec("equipement_sportif", _l("In a stadium, a gym or a sports facility"), "boolean"),
                FieldSpec("manifestation", _l("Public event"), required=True),
                FieldSpec("lieu", _l("Place"), required=True),
                *_period(_l("of the refreshment bar")),
                FieldSpec("groupes", _l("Drinks sold"), "multichoice", choices=GROUPS,
                          help=_l("Only groups 1 and 3 may be authorised (CSP L3334-2).")),
            ),
            sla_days=15, public=True, order=40,
        ),
    ]


def routing_rules() -> list[RoutingRuleDecl]:
    return [RoutingRuleDecl(f"{code}.service", request_type=code, service=SERVICE, order=50) for code in TYPES]
