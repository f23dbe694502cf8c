"""The CCAS procedures through the forms and the workflows: eligibility at
the edges, legal dates and timers, the yearly aid ceiling, the register and
the préfet's export."""
from __future__ import annotations

import html

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from grc_core.plugin_api import AuditEvent, LocalDate, Request, TransitionError, add_months, add_years, db, local_date
from grc_core.plugin_api.testing import csrf_token, fire_due_timers, in_commune, rules_locale

import pytest

from plugins.social import request_types as rt
from plugins.social import rules
from plugins.social.checks import today
from plugins.social.models import AidGrant, Alert, RegisterEntry

from .helpers import act, at, counts, file, intake, request_of, setup_town, signed_in


def fr(text) -> str:
    """A rule's explanation as a French agent reads it."""
    with rules_locale("fr", "social"):
        return str(text)

REGISTER = {"nom": "Martin", "prenoms": "Jeanne", "adresse": "3 rue des Lilas, 45900 Villeneuve",
            "telephone": "0612345678", "deposant": "personne", "demande_ecrite": True,
            "personne_a_prevenir": "Luc Martin, 0698765432"}


# --- register of vulnerable persons --------------------------------------------------------

def test_the_65th_birthday_opens_the_register_through_the_form(app):
    town = setup_town(app)
    client = signed_in(app, "ccas@a.fr")
    before = counts(app, town.id)
    tomorrow_65 = add_years(today(), -65) + timedelta(days=1)
    refused = intake(client, town, rt.REGISTRE, {**REGISTER, "date_naissance": tomorrow_65})
    assert refused.status_code == 400
    assert "Non éligible : la personne n&#39;a pas 65 ans ou plus" in refused.get_data(as_text=True)
    assert counts(app, town.id) == before
    accepted = intake(client, town, rt.REGISTRE, {**REGISTER, "date_naissance": add_years(today(), -65)})
    assert accepted.status_code == 302
    with in_commune(app, town.id):
        request = db.session.scalar(select(Request))
        assert request.data["qualite"] == "a"


def test_only_the_register_fields_are_kept_no_health_data(app):
    town = setup_town(app)
    born = add_years(today(), -62)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": born.isoformat(),
                                               "inapte_travail": True, "prestation": "aah"})
    data = request_of(app, town, request_id).data
    assert data["qualite"] == "b"
    assert set(data) <= rules.REGISTER_FIELDS
    assert "inapte_travail" not in data and "prestation" not in data and "deposant" not in data


def test_a_third_party_files_in_writing_and_names_himself(app):
    town = setup_town(app)
    client = signed_in(app, "ccas@a.fr")
    born = add_years(today(), -80)
    oral = intake(client, town, rt.REGISTRE, {**REGISTER, "date_naissance": born, "deposant": "tiers",
                                              "demande_ecrite": False, "tiers_nom": ""})
    text = oral.get_data(as_text=True)
    assert oral.status_code == 400
    assert "doit être écrite (CASF R121-3)" in text and "Indiquez le nom du tiers" in text
    assert counts(app, town.id)[0] == 0


def test_acknowledgement_is_due_within_8_days(app):
    town = setup_town(app)
    received = date(2026, 3, 2)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": "1940-01-01"}, now=at(received))
    request = request_of(app, town, request_id)
    assert local_date(request.due_at) == date(2026, 3, 10) == rules.register_acknowledgement_due(received)
    assert request.data["date_demande"] == "2026-03-02"


def test_registration_and_radiation_keep_the_register_to_who_is_registered(app):
    town = setup_town(app)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": "1940-01-01"})
    act(app, town, request_id, "inscrire")
    with in_commune(app, town.id):
        entry = db.session.scalar(select(RegisterEntry))
        assert (entry.nom, entry.qualite, entry.date_naissance) == ("Martin", "a", date(1940, 1, 1))
    act(app, town, request_id, "radier")
    with in_commune(app, town.id):
        assert db.session.scalar(select(RegisterEntry)) is None


THIRD_PARTY = {"deposant": "tiers", "tiers_nom": "Paul Roux", "tiers_qualite": "Voisin"}


def entries(app, town) -> list[RegisterEntry]:
    with in_commune(app, town.id):
        return list(db.session.scalars(select(RegisterEntry)))


def test_a_third_partys_request_is_acknowledged_then_registered_without_opposition(app):
    town = setup_town(app)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, **THIRD_PARTY, "date_naissance": "1940-01-01"})
    # Acknowledgement and registration are not one step for a third party's request.
    with pytest.raises(TransitionError, match="Demande d'un tiers : accusez d'abord réception"):
        act(app, town, request_id, "inscrire")
    assert request_of(app, town, request_id).state == "recue" and entries(app, town) == []
    act(app, town, request_id, "accuser_reception")
    request = request_of(app, town, request_id)
    assert request.state == "attente_opposition" and request.due_at is None  # the acknowledgement is done
    assert entries(app, town) == []  # not registered while the person may object
    act(app, town, request_id, "inscrire_sans_opposition")
    assert request_of(app, town, request_id).state == "inscrite"
    assert [(e.nom, e.tiers_nom) for e in entries(app, town)] == [("Martin", "Paul Roux")]


def test_the_persons_opposition_is_an_outcome_non_inscrite(app):
    town = setup_town(app)
    received = today() - timedelta(days=5)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, **THIRD_PARTY, "date_naissance": "1940-01-01"},
                      now=at(received))
    act(app, town, request_id, "accuser_reception")
    for bad, message in ((today() + timedelta(days=1), "La date de l'opposition ne peut pas être dans le futur."),
                         (received - timedelta(days=1), "La date de l'opposition ne peut pas précéder la demande "
                                                        f"({fr(LocalDate(received))}).")):
        with pytest.raises(TransitionError) as refused:
            act(app, town, request_id, "opposition", {"date_opposition": bad.isoformat()})
        assert refused.value.field_errors == {"date_opposition": [message]}
    assert request_of(app, town, request_id).state == "attente_opposition"
    act(app, town, request_id, "opposition", {"date_opposition": received.isoformat()})
    assert request_of(app, town, request_id).state == "non_inscrite"
    assert entries(app, town) == []
    with pytest.raises(TransitionError):
        act(app, town, request_id, "inscrire_sans_opposition")


def test_the_opposition_form_shows_a_bad_date_next_to_its_field(app):
    town = setup_town(app)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, **THIRD_PARTY, "date_naissance": "1940-01-01"})
    act(app, town, request_id, "accuser_reception")
    client = signed_in(app, "ccas@a.fr")
    url = f"/admin/requests/{request_id}/"
    page = client.get(url).get_data(as_text=True)
    assert "Inscrire : pas d&#39;opposition de la personne" in page and "Date de l&#39;opposition" in page
    response = client.post(url + "transition", data={
        "csrf_token": csrf_token(client, url), "transition": "opposition", "comment": "",
        "t_opposition__date_opposition": (today() + timedelta(days=3)).strftime("%d/%m/%Y")})
    assert response.status_code == 409
    assert ('data-grc-error-for="date_opposition">La date de l\'opposition ne peut pas être dans le futur.</div>'
            in html.unescape(response.get_data(as_text=True)))
    assert request_of(app, town, request_id).state == "attente_opposition"


def test_prefect_export_is_refused_without_an_alert_and_logged(app):
    town = setup_town(app)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": "1940-01-01"})
    act(app, town, request_id, "inscrire")
    client = signed_in(app, "ccas@a.fr")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    refused = client.get("/admin/social/registre/prefet.csv", follow_redirects=True)
    assert "text/csv" not in refused.content_type
    assert ("Export refusé : le registre n&#39;est communiqué au préfet qu&#39;en cas de déclenchement du plan "
            "d&#39;alerte et d&#39;urgence.") in refused.get_data(as_text=True)
    with in_commune(app, town.id):
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "social.registre.export_refused")) is not None
    from grc_core.plugin_api.testing import csrf_token

    token = csrf_token(client, "/admin/social/registre/")
    client.post("/admin/social/registre/alerte", data={"csrf_token": token, "kind": "canicule",
                                                       "reference": "Arrêté du 12 juillet"})
    exported = client.get("/admin/social/registre/prefet.csv")
    assert exported.status_code == 200 and "text/csv" in exported.content_type
    assert "Martin;Jeanne;01/01/1940;65 ans et plus" in exported.get_data(as_text=True)
    with in_commune(app, town.id):
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"social.alert.declared", "social.registre.export", "social.registre.read"} <= actions
        assert db.session.scalar(select(Alert.kind)) == "canicule"
    client.post("/admin/social/registre/alerte/fin", data={"csrf_token": token})
    again = client.get("/admin/social/registre/prefet.csv")
    assert again.status_code == 302


def test_the_register_is_only_for_the_persons_designated(app):
    town = setup_town(app)
    request_id = file(app, town, rt.REGISTRE, {**REGISTER, "date_naissance": "1940-01-01"})
    act(app, town, request_id, "inscrire")
    for email in ("lecteur@a.fr", "admin@a.fr", "elu@a.fr", "accueil@a.fr"):
        client = signed_in(app, email)
        page = client.get("/admin/social/registre/")
        assert page.status_code in (403, 404), email
        assert "Martin" not in page.get_data(as_text=True)
        assert client.get("/admin/social/registre/prefet.csv").status_code in (403, 404)
    assert "Martin" in signed_in(app, "ccas@a.fr").get("/admin/social/registre/").get_data(as_text=True)


# --- domiciliation -----------------------------------------------------------------------

def test_domiciliation_refusal_needs_no_link_a_motive_and_an_orientation(app):
    town = setup_town(app)
    linked = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]})
    act(app, town, linked, "entretien")
    with pytest.raises(TransitionError) as refused:
        act(app, town, linked, "refuser", {"motif_refus": "Pas de place", "orientation": "CCAS voisin",
                                           "motif_legal": "sans_lien"})
    assert "lien avec la commune" in refused.value.field_errors["motif_legal"][0]
    unlinked = file(app, town, rt.DOMICILIATION, {"lien_commune": []})
    with pytest.raises(TransitionError):
        act(app, town, unlinked, "refuser", {"motif_refus": "Aucun lien", "motif_legal": "sans_lien"})  # no orientation: required field
    act(app, town, unlinked, "refuser", {"motif_refus": "Aucun lien avec la commune",
                                         "orientation": "CCAS d'Orléans", "motif_legal": "sans_lien"})
    assert request_of(app, town, unlinked).state == "refusee"
    with pytest.raises(TransitionError, match="lien"):
        other = file(app, town, rt.DOMICILIATION, {"lien_commune": []})
        act(app, town, other, "entretien")
        act(app, town, other, "accorder", {"date_entretien": today().isoformat(),
                                           "date_election": today().isoformat(), "domicile_stable": "non"})


def test_a_person_with_a_stable_address_is_refused_with_the_reason_next_to_the_answer(app):
    town = setup_town(app)
    linked = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]})
    act(app, town, linked, "entretien")
    day = today().isoformat()
    with pytest.raises(TransitionError) as refused:
        act(app, town, linked, "accorder", {"date_entretien": day, "date_election": day, "domicile_stable": "oui"})
    assert refused.value.field_errors == {"domicile_stable": [fr(rules.STABLE_ADDRESS_REFUSAL)]}
    assert request_of(app, town, linked).state == "entretien"
    # Refused for that reason although the person has a link with the commune; no orientation needed (L264-1).
    act(app, town, linked, "refuser", {"motif_refus": "Logée chez sa fille, adresse stable depuis mars.",
                                       "orientation": "Sans objet", "motif_legal": "domicile_stable"})
    assert request_of(app, town, linked).state == "refusee"


def test_the_no_link_ground_stays_impossible_for_a_linked_person(app):
    town = setup_town(app)
    linked = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]})
    with pytest.raises(TransitionError) as refused:
        act(app, town, linked, "refuser", {"motif_refus": "Pas de place", "orientation": "CCAS voisin",
                                           "motif_legal": "sans_lien"})
    assert list(refused.value.field_errors) == ["motif_legal"]


def test_a_renewal_is_refused_once_a_stable_address_is_found_and_granted_otherwise(app):
    town = setup_town(app)
    elected = today() - timedelta(days=300)
    request_id = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]})
    act(app, town, request_id, "entretien")
    act(app, town, request_id, "accorder", {"date_entretien": elected.isoformat(), "date_election": elected.isoformat(),
                                            "domicile_stable": "non"})
    before = request_of(app, town, request_id).data
    day = today().isoformat()
    with pytest.raises(TransitionError) as refused:
        act(app, town, request_id, "renouveler", {"date_entretien": day, "date_election": day,
                                                  "domicile_stable": "oui"})
    assert refused.value.field_errors == {"domicile_stable": [fr(rules.STABLE_ADDRESS_RENEWAL_REFUSAL)]}
    assert request_of(app, town, request_id).data == before  # nothing changed
    with pytest.raises(TransitionError):  # the question must be answered
        act(app, town, request_id, "renouveler", {"date_entretien": day, "date_election": day})
    act(app, town, request_id, "renouveler", {"date_entretien": day, "date_election": day, "domicile_stable": "non"})
    assert request_of(app, town, request_id).data["date_election"] == day
    act(app, town, request_id, "terminer", comment="Adresse stable trouvée")
    assert request_of(app, town, request_id).state == "terminee"


def test_the_renewal_form_asks_the_stable_address_and_shows_the_refusal_next_to_it(app):
    town = setup_town(app)
    elected = today() - timedelta(days=300)
    request_id = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]})
    act(app, town, request_id, "entretien")
    act(app, town, request_id, "accorder", {"date_entretien": elected.isoformat(), "date_election": elected.isoformat(),
                                            "domicile_stable": "non"})
    client = signed_in(app, "ccas@a.fr")
    url = f"/admin/requests/{request_id}/"
    assert "La personne dispose-t-elle d&#39;un domicile stable ?" in client.get(url).get_data(as_text=True)
    prefix = "t_renouveler__"
    day = today().strftime("%d/%m/%Y")
    response = client.post(url + "transition", data={
        "csrf_token": csrf_token(client, url), "transition": "renouveler", "comment": "",
        prefix + "domicile_stable": "oui", prefix + "date_entretien": day, prefix + "date_election": day})
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert f'data-grc-error-for="domicile_stable">{fr(rules.STABLE_ADDRESS_RENEWAL_REFUSAL)}</div>' in page
    assert request_of(app, town, request_id).state == "active"
    # An English agent reads the rule's refusal in English, next to the same answer.
    response = client.post(url + "transition", headers={"Accept-Language": "en"}, data={
        "csrf_token": csrf_token(client, url), "transition": "renouveler", "comment": "",
        prefix + "domicile_stable": "oui", prefix + "date_entretien": day, prefix + "date_election": day})
    page = html.unescape(response.get_data(as_text=True))
    assert ('data-grc-error-for="domicile_stable">Renewal impossible: the person has found a stable home, which ends '
            'the domiciliation (CASF L264-5). End the domiciliation.</div>') in page
    assert "Renouvellement impossible" not in page


def test_domiciliation_answer_due_in_two_months_silence_is_refusal(app):
    town = setup_town(app)
    received = date(2026, 1, 31)
    request_id = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]}, now=at(received))
    request = request_of(app, town, request_id)
    assert request.data["date_limite_reponse"] == "2026-03-31" == rules.domiciliation_answer_due(received).isoformat()
    with in_commune(app, town.id):
        fire_due_timers(at(date(2026, 3, 31), 23))
    assert request_of(app, town, request_id).state == "recue"
    with in_commune(app, town.id):
        fire_due_timers(at(date(2026, 4, 1), 1))
    assert request_of(app, town, request_id).state == "refus_implicite"


def test_three_months_without_contact_warn_then_end_the_domiciliation(app):
    town = setup_town(app)
    elected = today() - timedelta(days=10)
    request_id = file(app, town, rt.DOMICILIATION, {"lien_commune": ["accompagnement"]})
    act(app, town, request_id, "entretien")
    act(app, town, request_id, "accorder", {"date_entretien": elected.isoformat(), "date_election": elected.isoformat(),
                                            "domicile_stable": "non"})
    data = request_of(app, town, request_id).data
    end = rules.domiciliation_end_by_absence(elected)
    warning = rules.domiciliation_warning_date(elected)
    assert data["date_fin_absence"] == end.isoformat() == (add_months(elected, 3) + timedelta(days=1)).isoformat()
    assert data["date_avertissement"] == warning.isoformat()
    assert data["date_expiration"] == (rules.domiciliation_validity_end(elected) + timedelta(days=1)).isoformat()
    with in_commune(app, town.id):
        fire_due_timers(at(warning - timedelta(days=1), 23))
    assert request_of(app, town, request_id).state == "active"
    with in_commune(app, town.id):
        fire_due_timers(at(warning, 1))
    assert request_of(app, town, request_id).state == "avertie"
    with in_commune(app, town.id):
        fire_due_timers(at(end - timedelta(days=1), 23))
    assert request_of(app, town, request_id).state == "avertie"
    with in_commune(app, town.id):
        fire_due_timers(at(end, 1))
    assert request_of(app, town, request_id).state == "fin_absence"


def test_a_contact_moves_the_absence_dates(app):
    town = setup_town(app)
    elected = today() - timedelta(days=40)
    request_id = file(app, town, rt.DOMICILIATION, {"lien_commune": ["sejour"]})
    act(app, town, request_id, "entretien")
    act(app, town, request_id, "accorder", {"date_entretien": elected.isoformat(), "date_election": elected.isoformat(),
                                            "domicile_stable": "non"})
    contact = today() - timedelta(days=2)
    act(app, town, request_id, "contact", {"date_dernier_contact": contact.strftime("%d/%m/%Y")})
    data = request_of(app, town, request_id).data
    assert data["date_dernier_contact"] == contact.isoformat()
    assert data["date_fin_absence"] == rules.domiciliation_end_by_absence(contact).isoformat()
    with pytest.raises(TransitionError, match="futur"):
        act(app, town, request_id, "contact", {"date_dernier_contact": (today() + timedelta(days=1)).isoformat()})


# --- optional aid ------------------------------------------------------------------------

def _aid(app, town, citizen, amount, kind="aide_alimentaire"):
    request_id = file(app, town, rt.AIDE_FACULTATIVE, {"nature": kind, "montant_demande": str(amount),
                                                       "quotient_familial": "500", "situation": "Fin de mois"},
                      citizen=citizen)
    act(app, town, request_id, "instruire")
    act(app, town, request_id, "presenter")
    return request_id


def test_the_yearly_ceiling_per_household_is_enforced(app):
    town = setup_town(app)  # ceiling of the aide alimentaire: 400 € per household and calendar year
    first = _aid(app, town, town.citizen, 300)
    act(app, town, first, "accorder", {"montant_accorde": "300"})
    second = _aid(app, town, town.spouse, 150)  # the spouse: same household
    with pytest.raises(TransitionError, match="100,00"):
        act(app, town, second, "accorder", {"montant_accorde": "150"})
    assert request_of(app, town, second).state == "commission"
    act(app, town, second, "accorder", {"montant_accorde": "100"})
    third = _aid(app, town, town.citizen, 50)
    with pytest.raises(TransitionError, match="déjà atteint"):
        act(app, town, third, "accorder", {"montant_accorde": "50"})
    with in_commune(app, town.id):
        grants = db.session.scalars(select(AidGrant).order_by(AidGrant.id)).all()
        assert [(g.amount, g.citizen_id) for g in grants] == [(Decimal("300.00"), town.citizen),
                                                               (Decimal("100.00"), town.spouse)]


def test_a_payment_date_is_judged_on_the_moment_the_transition_is_applied(app):
    town = setup_town(app)
    request_id = _aid(app, town, town.citizen, 60)
    act(app, town, request_id, "accorder", {"montant_accorde": "60"})
    paid = {"date_versement": "2026-12-08"}
    # The engine's clock says 7 December: the 8th is still to come.
    with pytest.raises(TransitionError, match="cannot be in the future|ne peut pas être dans le futur"):
        act(app, town, request_id, "verser", dict(paid), now=at(date(2026, 12, 7)))
    assert request_of(app, town, request_id).state == "accordee"
    act(app, town, request_id, "verser", dict(paid), now=at(date(2026, 12, 8)))
    assert request_of(app, town, request_id).state != "accordee"


def test_a_decision_needs_social_decide(app):
    town = setup_town(app)
    request_id = _aid(app, town, town.citizen, 50)
    with pytest.raises(TransitionError):
        act(app, town, request_id, "accorder", {"montant_accorde": "50"}, actor="lecteur@a.fr")


def test_qf_above_the_ceiling_is_refused_at_filing(app):
    town = setup_town(app)
    client = signed_in(app, "ccas@a.fr")
    response = intake(client, town, rt.AIDE_FACULTATIVE, {"nature": "aide_energie", "montant_demande": "100",
                                                          "quotient_familial": "801", "situation": "Facture"})
    assert response.status_code == 400
    assert "quotient familial 801 supérieur au plafond de 800" in response.get_data(as_text=True)
    assert counts(app, town.id)[0] == 0


# --- legal aid and social housing --------------------------------------------------------

def test_legal_aid_is_transmitted_within_a_month(app):
    town = setup_town(app)
    received = date(2026, 1, 31)
    request_id = file(app, town, rt.AIDE_LEGALE, {"prestation": "ame"}, now=at(received))
    data = request_of(app, town, request_id).data
    assert data["date_limite_transmission"] == "2026-02-28" and data["autorite"] == "prefet"
    with in_commune(app, town.id):
        fire_due_timers(at(date(2026, 3, 1), 1))
    assert request_of(app, town, request_id).state == "en_retard"
    act(app, town, request_id, "transmettre", {"date_transmission": "02/03/2026"})
    act(app, town, request_id, "decision_accord", {"date_decision": "2026-04-15"})
    request = request_of(app, town, request_id)
    assert (request.state, request.data["date_transmission"], request.data["date_decision"]) == (
        "accordee", "2026-03-02", "2026-04-15")


def test_social_housing_registration_renewal_reminder_and_radiation(app):
    town = setup_town(app)
    request_id = file(app, town, rt.LOGEMENT, {"composition_foyer": "3", "typologie": "T3", "piece_identite": True})
    with pytest.raises(TransitionError, match="numéro unique"):
        act(app, town, request_id, "enregistrer", {"numero_unique": "12", "date_enregistrement": "2026-01-10"})
    act(app, town, request_id, "enregistrer", {"numero_unique": "045 26 0123456 X",
                                               "date_enregistrement": "2026-01-10"})
    data = request_of(app, town, request_id).data
    assert data["numero_unique"] == "045260123456X"
    assert (data["date_rappel_renouvellement"], data["date_limite_renouvellement"], data["date_radiation"]) == (
        "2026-12-10", "2027-01-10", "2027-01-11")
    with in_commune(app, town.id):
        fire_due_timers(at(date(2026, 12, 10), 1))
    assert request_of(app, town, request_id).state == "a_renouveler"
    with in_commune(app, town.id):
        fire_due_timers(at(date(2027, 1, 11), 1))
    assert request_of(app, town, request_id).state == "radiee"
