"""Every request type filed through the intake form (/admin/intake/): good input
is stored; bad input is refused with the reason in plain French, and nothing is stored."""
import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grc_core.plugin_api import LocalDate, Request, User, add_months, add_years, db
from grc_core.plugin_api.testing import in_commune, rules_locale, today


from .helpers import counts, intake, setup_town, signed_in


def day_in_words(day) -> str:
    """A date as a French reader reads it on the pages and in the rules' explanations (« 1er mars 2025 »)."""
    with rules_locale("fr", "etat_civil"):
        return str(LocalDate(day))


# The intake files at the system's moment: validation reads that day (today(), read per test).


@pytest.fixture
def town(app):
    return setup_town(app)


@pytest.fixture
def client(app, town):
    return signed_in(app, "accueil@a.fr")


def accepted(app, town, client, code, fields, channel="guichet"):
    before = counts(app, town.id)
    response = intake(client, town, code, fields, channel)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-3000:]
    assert counts(app, town.id)[0] == before[0] + 1
    with in_commune(app, town.id):
        return db.session.scalar(select(Request).order_by(Request.id.desc())).data


def refused(app, town, client, code, fields, *messages, channel="guichet"):
    before = counts(app, town.id)
    response = intake(client, town, code, fields, channel)
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    for message in messages:
        assert message in page
    assert counts(app, town.id) == before  # nothing stored


REQUESTER = {"demandeur_nom": "Martin", "demandeur_prenoms": "Jeanne", "delivrance": "guichet"}
BIRTH = {"nom": "Martin", "prenoms": "Jeanne", "date_naissance": date(1980, 4, 2), "lieu_naissance": "Orléans",
         "nom_parent_1": "Martin", "prenom_parent_1": "Paul", "nom_parent_2": "Durand", "prenom_parent_2": "Anne"}


def acte(act, document, quality, **fields):
    return {"acte": act, "document": document, "qualite": quality, **REQUESTER, **fields}


# --- demande d'acte: eligibility (§1.2, §1.5) -------------------------------------------

def test_a_tiers_asking_a_copie_integrale_de_naissance_is_refused(app, town, client):
    refused(app, town, client, "etat_civil.acte", acte("naissance", "copie_integrale", "tiers", **BIRTH),
            "Un tiers ne peut obtenir qu'un extrait sans filiation d'un acte de naissance "
            "(décret n° 2017-890, art. 30).")


def test_an_english_agent_reads_the_refusal_in_english(app, town, client):
    """The rule's explanation is the reader's: the same refusal, to an agent whose browser asks for English."""
    with in_commune(app, town.id):
        db.session.scalar(select(User).where(User.email == "accueil@a.fr")).locale = "en"
        db.session.commit()
    recent = dict(BIRTH, date_naissance=date(today().year - 74, 6, 1))
    refused(app, town, client, "etat_civil.acte", acte("naissance", "copie_integrale", "tiers", **recent),
            "A third party may obtain only an extract without parentage of a birth act (décret n° 2017-890, "
            f"art. 30). The register will be open to anyone only from January 1, {today().year - 74 + 76} (code du "
            "patrimoine, art. L213-2).")
    response = intake(client, town, "etat_civil.acte", acte("naissance", "copie_integrale", "tiers", **recent))
    assert "Un tiers ne peut" not in html.unescape(response.get_data(as_text=True))


def test_a_tiers_asking_an_acte_de_deces_is_accepted(app, town, client):
    data = accepted(app, town, client, "etat_civil.acte", acte(
        "deces", "copie_integrale", "tiers", nom="Petit", prenoms="Louis", date_deces=date(2025, 1, 9),
        lieu_deces="Orléans"))
    assert data["acte"] == "deces" and data["date_deces"] == "2025-01-09"
    assert "nom_parent_1" not in data  # fields of another act are not kept


def test_a_tiers_gets_an_extrait_sans_filiation_and_the_interesse_the_copie_integrale(app, town, client):
    accepted(app, town, client, "etat_civil.acte", acte(
        "naissance", "extrait_sans_filiation", "tiers", nom="Martin", prenoms="Jeanne",
        date_naissance=date(1980, 4, 2), lieu_naissance="Orléans"))
    accepted(app, town, client, "etat_civil.acte", acte("naissance", "copie_integrale", "interesse_majeur", **BIRTH))


def test_archives_a_register_closed_more_than_75_years_ago_is_open_to_anyone(app, town, client):
    old = dict(BIRTH, date_naissance=date(today().year - 76, 6, 1))
    accepted(app, town, client, "etat_civil.acte", acte("naissance", "copie_integrale", "tiers", **old))
    # A register closed 31 December 74 years ago opens only after 75 years: refused, with the date.
    recent = dict(BIRTH, date_naissance=date(today().year - 74, 6, 1))
    refused(app, town, client, "etat_civil.acte", acte("naissance", "copie_integrale", "tiers", **recent),
            f"qu'à compter du 1er janvier {today().year - 74 + 76}")


def error_next_to(page: str, field: str, message: str) -> bool:
    """The message is shown under the field (grc/forms/_fields.html marks it with the field's name)."""
    return f'data-grc-error-for="{field}">{message}</div>' in page


def test_archives_a_person_dead_for_more_than_25_years_opens_the_act(app, town, client):
    # Born 60 years ago: the register opens to anyone only in 15 years, or 25 years after the death.
    birth = dict(BIRTH, date_naissance=date(today().year - 60, 6, 1))
    dead_long_ago = add_years(today(), -25) - timedelta(days=1)
    data = accepted(app, town, client, "etat_civil.acte", acte(
        "naissance", "copie_integrale", "tiers", date_deces_personne=dead_long_ago, **birth))
    assert data["date_deces_personne"] == dead_long_ago.isoformat()
    # Dead exactly 25 years ago: the delay expires at the end of today.
    response = intake(client, town, "etat_civil.acte", acte(
        "naissance", "copie_integrale", "tiers", date_deces_personne=add_years(today(), -25), **birth))
    assert response.status_code == 400
    opens = add_years(add_years(today(), -25), 25) + timedelta(days=1)
    assert "qu'à compter du " + day_in_words(opens) in html.unescape(response.get_data(as_text=True))


def test_archives_a_refused_restricted_act_says_where_to_give_the_death_date(app, town, client):
    before = counts(app, town.id)
    response = intake(client, town, "etat_civil.acte", acte("naissance", "copie_integrale", "tiers", **BIRTH))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and counts(app, town.id) == before
    assert "Un tiers ne peut obtenir qu'un extrait sans filiation" in page
    assert error_next_to(page, "date_deces_personne",
                         "If the person concerned has died, give the date of death: the act is open to anyone "
                         "25 years after it (code du patrimoine, art. L213-2).") or error_next_to(
        page, "date_deces_personne", "Si la personne concernée est décédée, indiquez la date de son décès : "
                                     "l'acte est communicable à toute personne 25 ans après (code du patrimoine, "
                                     "art. L213-2).")


@pytest.mark.parametrize(("died_on", "message"), [
    (lambda: today() + timedelta(days=1), "La date de décès de la personne concernée ne peut pas être dans le futur."),
    (lambda: date(1980, 4, 1), "La date de décès de la personne concernée ne peut pas précéder la naissance "
                       "(2 avril 1980)."),
])
def test_an_impossible_death_date_is_refused_next_to_its_field(app, town, client, died_on, message):
    before = counts(app, town.id)
    response = intake(client, town, "etat_civil.acte", acte(
        "naissance", "copie_integrale", "tiers", date_deces_personne=died_on(), **BIRTH))
    assert response.status_code == 400 and counts(app, town.id) == before
    assert error_next_to(html.unescape(response.get_data(as_text=True)), "date_deces_personne", message)


def test_a_malformed_death_date_is_refused(app, town, client):
    refused(app, town, client, "etat_civil.acte", acte(
        "naissance", "copie_integrale", "tiers", date_deces_personne="31/02/1990", **BIRTH))


def test_the_death_date_is_not_kept_for_a_deces_act(app, town, client):
    data = accepted(app, town, client, "etat_civil.acte", acte(
        "deces", "copie_integrale", "tiers", nom="Petit", prenoms="Louis", date_deces=date(2025, 1, 9),
        lieu_deces="Orléans", date_deces_personne=date(1990, 1, 1)))
    assert "date_deces_personne" not in data  # asked only where it opens an act


def test_a_document_that_does_not_exist_for_the_act_is_refused(app, town, client):
    refused(app, town, client, "etat_civil.acte", acte(
        "deces", "extrait_sans_filiation", "descendant", nom="Petit", prenoms="Louis",
        date_deces=date(2025, 1, 9), lieu_deces="Orléans"),
        "Seule la copie intégrale peut être délivrée pour un acte de décès")


def test_an_administration_must_cite_its_legal_basis(app, town, client):
    fields = acte("naissance", "copie_integrale", "administration", **BIRTH)
    refused(app, town, client, "etat_civil.acte", fields,
            "Une administration ne peut obtenir ce document que si un texte législatif ou réglementaire")
    accepted(app, town, client, "etat_civil.acte", dict(fields, base_legale="Code de la sécurité sociale, art. L114-12"))


def test_an_avocat_gets_what_his_client_may_obtain(app, town, client):
    fields = acte("naissance", "copie_integrale", "avocat", **BIRTH)
    refused(app, town, client, "etat_civil.acte", dict(fields, qualite_client="tiers"),
            "Un avocat ne peut obtenir que les actes que son client est légalement fondé à requérir")
    accepted(app, town, client, "etat_civil.acte", dict(fields, qualite_client="descendant"))
    data = accepted(app, town, client, "etat_civil.acte", fields)  # checked by an agent (panel)
    assert data["qualite_client"] is None


def test_the_commune_settings_of_the_open_rules_apply(app, town, client):
    fields = acte("naissance", "extrait_plurilingue", "tiers", nom="Martin", prenoms="Jeanne",
                  date_naissance=date(1980, 4, 2), lieu_naissance="Orléans")
    # Default: the extrait plurilingue follows the extrait avec filiation (a tiers is refused).
    refused(app, town, client, "etat_civil.acte", fields,
            "L'extrait plurilingue suit les règles applicables à un extrait avec filiation.")
    with in_commune(app, town.id):
        from grc_core.plugin_api import Commune
        commune = db.session.get(Commune, town.id)
        commune.settings = {**(commune.settings or {}), "etat_civil.plurilingue_comme": "extrait_sans_filiation"}
        db.session.commit()
    accepted(app, town, client, "etat_civil.acte", fields)


def test_a_genealogist_needs_the_archives_authorisation_and_a_mandate(app, town, client):
    fields = acte("mariage", "copie_integrale", "genealogiste", **BIRTH, date_mariage=date(2001, 6, 2),
                  lieu_mariage="Orléans")
    refused(app, town, client, "etat_civil.acte", dict(fields, autorisation_archives=True),
            "Un généalogiste ne peut obtenir ce document")
    accepted(app, town, client, "etat_civil.acte", dict(fields, autorisation_archives=True, mandat_genealogiste=True))


# --- demande d'acte: required fields per document (§1.3) ---------------------------------

def test_copie_integrale_de_naissance_needs_the_parents(app, town, client):
    without_parents = {k: v for k, v in BIRTH.items() if "parent" not in k}
    refused(app, town, client, "etat_civil.acte", acte("naissance", "copie_integrale", "interesse_majeur",
                                                         **without_parents),
            "Pour ce document, renseignez aussi : Nom du premier parent, Prénom usuel du premier parent, "
            "Nom du second parent, Prénom usuel du second parent.")
    # Filiation towards one parent only: the second is not asked.
    one_parent = dict(without_parents, nom_parent_1="Martin", prenom_parent_1="Paul", filiation_unique=True)
    accepted(app, town, client, "etat_civil.acte", acte("naissance", "copie_integrale", "interesse_majeur",
                                                          **one_parent))


def test_extrait_sans_filiation_de_naissance_needs_no_parents(app, town, client):
    accepted(app, town, client, "etat_civil.acte", acte(
        "naissance", "extrait_sans_filiation", "interesse_majeur", nom="Martin", prenoms="Jeanne",
        date_naissance=date(1980, 4, 2), lieu_naissance="Orléans"))


def test_mariage_needs_the_date_and_place_of_marriage_and_deces_the_death(app, town, client):
    refused(app, town, client, "etat_civil.acte", acte("mariage", "extrait_sans_filiation", "interesse_majeur",
                                                         nom="Martin", prenoms="Jeanne"),
            "Pour ce document, renseignez aussi : Date du mariage, Lieu du mariage.")
    refused(app, town, client, "etat_civil.acte", acte("deces", "copie_integrale", "descendant", nom="Petit",
                                                         prenoms="Louis"),
            "Pour ce document, renseignez aussi : Date du décès, Lieu du décès.")
    refused(app, town, client, "etat_civil.acte", acte("reconnaissance", "copie_integrale", "interesse_majeur"),
            "Nom de l'auteur de la reconnaissance, Prénoms de l'auteur de la reconnaissance, "
            "Date de la reconnaissance, Lieu de la reconnaissance.")


def test_delivery_by_post_needs_an_address_and_choices_are_required(app, town, client):
    fields = acte("naissance", "copie_integrale", "interesse_majeur", **BIRTH)
    refused(app, town, client, "etat_civil.acte", dict(fields, delivrance="courrier"),
            "Indiquez l'adresse postale à laquelle l'acte sera envoyé.", channel="courrier")
    data = accepted(app, town, client, "etat_civil.acte",
                    dict(fields, delivrance="courrier", demandeur_adresse="3 rue Haute\n45900 Villeneuve"),
                    channel="courrier")
    assert data["demandeur_adresse"].startswith("3 rue Haute")
    refused(app, town, client, "etat_civil.acte", {k: v for k, v in fields.items() if k != "qualite"})


# --- marriage, PACS ---------------------------------------------------------------------

def party(prefix, issued, abroad=False, name="Martin"):
    return {f"{prefix}_nom": name, f"{prefix}_prenoms": "Camille", f"{prefix}_date_naissance": date(1990, 5, 1),
            f"{prefix}_acte_du": issued, f"{prefix}_acte_etranger": abroad}


def test_marriage_file_pieces_must_be_fresh_on_deposit(app, town, client):
    deposit = today()
    base = {"lien_commune": "domicile", "date_depot": deposit, "temoin_1": "Paul Durand", "temoin_2": "Léa Petit"}
    stale = add_months(deposit, -3) - timedelta(days=1)
    refused(app, town, client, "etat_civil.mariage", {**base, **party("epoux1", stale), **party("epoux2", deposit)},
            "La copie de l'acte de naissance du premier époux")
    # Issued abroad: six months.
    data = accepted(app, town, client, "etat_civil.mariage",
                    {**base, **party("epoux1", stale, abroad=True), **party("epoux2", add_months(deposit, -3))})
    assert data["epoux1_acte_etranger"] is True
    refused(app, town, client, "etat_civil.mariage", {**base, **party("epoux1", deposit), **party("epoux2", deposit),
                                                      "lien_commune": "residence"},
            "Indiquez la date à laquelle la résidence dans la commune a commencé.")
    refused(app, town, client, "etat_civil.mariage", {**party("epoux1", deposit), **party("epoux2", deposit)})


def test_pacs_pieces_must_be_fresh_on_the_registration_day(app, town, client):
    day = today() + timedelta(days=20)
    base = {"convention": "cerfa", "declaration_conjointe": True, "date_enregistrement": day}
    refused(app, town, client, "etat_civil.pacs",
            {**base, **party("partenaire1", add_months(day, -3) - timedelta(days=1)), **party("partenaire2", today())},
            "La copie de l'acte de naissance du premier partenaire")
    accepted(app, town, client, "etat_civil.pacs",
             {**base, **party("partenaire1", add_months(day, -3)), **party("partenaire2", today())})


# --- reconnaissance, livret, naissance ------------------------------------------------------

def test_reconnaissance(app, town, client):
    base = {"auteur_nom": "Durand", "auteur_prenoms": "Marc"}
    refused(app, town, client, "etat_civil.reconnaissance", {**base, "moment": "anticipee"},
            "Pour une reconnaissance avant la naissance, indiquez la date prévue de l'accouchement.")
    accepted(app, town, client, "etat_civil.reconnaissance",
             {**base, "moment": "anticipee", "terme_prevu": today() + timedelta(days=60)})
    refused(app, town, client, "etat_civil.reconnaissance", {**base, "moment": "posterieure"},
            "Indiquez les prénoms et la date de naissance de l'enfant.")
    accepted(app, town, client, "etat_civil.reconnaissance", {**base, "moment": "posterieure", "enfant_nom": "Durand",
                                                              "enfant_prenoms": "Léo",
                                                              "enfant_date_naissance": date(2025, 2, 1)})


def test_livret_duplicata_for_titulaires_only(app, town, client):
    base = {"motif": "perte", "titulaires": "Jeanne et Paul Martin"}
    refused(app, town, client, "etat_civil.livret_duplicata", {**base, "demandeur": "enfant"},
            "les enfants ne le peuvent pas, même après le décès de leurs parents.")
    refused(app, town, client, "etat_civil.livret_duplicata", {**base, "demandeur": "tuteur_mineur"},
            "qu'avec l'accord du procureur de la République.")
    accepted(app, town, client, "etat_civil.livret_duplicata",
             {**base, "demandeur": "tuteur_mineur", "accord_procureur": True})
    accepted(app, town, client, "etat_civil.livret_duplicata", {**base, "demandeur": "titulaire"})


def test_birth_declaration(app, town, client):
    base = {"enfant_nom": "Martin", "enfant_prenoms": "Léa", "lieu_naissance": "Maternité",
            "declarant": "Jeanne Martin, mère"}
    refused(app, town, client, "etat_civil.declaration_naissance",
            {**base, "date_naissance": today() - timedelta(days=1), "date_declaration": today() - timedelta(days=2)},
            "La déclaration ne peut pas être antérieure à la naissance.")
    refused(app, town, client, "etat_civil.declaration_naissance",
            {**base, "date_naissance": today() + timedelta(days=1), "date_declaration": today() + timedelta(days=1)},
            "La date de naissance est dans le futur.")
    # A late declaration is filed (flagged on its page, refused at « dresser l'acte »).
    accepted(app, town, client, "etat_civil.declaration_naissance",
             {**base, "date_naissance": today() - timedelta(days=20), "date_declaration": today()})


# --- recensement, prénom, nom ------------------------------------------------------------

def recensement(born):
    return {"jeune_nom": "Petit", "jeune_prenoms": "Hugo", "jeune_date_naissance": born,
            "jeune_lieu_naissance": "Orléans", "adresse": "5 rue Basse"}


def test_recensement_window_and_regularisation(app, town, client):
    too_young = add_years(today(), -16) + timedelta(days=1)
    refused(app, town, client, "etat_civil.recensement", recensement(too_young),
            f"Trop tôt : le recensement est possible à partir du ")
    refused(app, town, client, "etat_civil.recensement", recensement(add_years(today(), -25)),
            "À partir de 25 ans, le recensement n'est plus possible")
    accepted(app, town, client, "etat_civil.recensement", recensement(add_years(today(), -16)))
    accepted(app, town, client, "etat_civil.recensement", recensement(add_years(today(), -25) + timedelta(days=1)))


def test_changement_de_prenom_consent_of_a_child_of_13(app, town, client):
    base = {"beneficiaire": "Léo Martin", "prenoms_demandes": "Noé", "motif": "Prénom d'usage."}
    thirteen = add_years(today(), -13)
    refused(app, town, client, "etat_civil.changement_prenom", {**base, "beneficiaire_date_naissance": thirteen},
            "La personne concernée a 13 ans ou plus : son consentement personnel est requis")
    accepted(app, town, client, "etat_civil.changement_prenom",
             {**base, "beneficiaire_date_naissance": thirteen, "consentement_enfant": True})
    accepted(app, town, client, "etat_civil.changement_prenom",
             {**base, "beneficiaire_date_naissance": thirteen + timedelta(days=1)})


def test_changement_de_nom_majeur_and_once(app, town, client):
    base = {"nom_actuel": "Martin", "nom_choisi": "Martin-Durand"}
    refused(app, town, client, "etat_civil.changement_nom",
            {**base, "demandeur_date_naissance": add_years(today(), -18) + timedelta(days=1)},
            "réservé aux personnes majeures (code civil, art. 61-3-1).")
    refused(app, town, client, "etat_civil.changement_nom",
            {**base, "demandeur_date_naissance": date(1980, 1, 1), "deja_utilise": True},
            "ne peut être fait qu'une seule fois dans sa vie")
    accepted(app, town, client, "etat_civil.changement_nom",
             {**base, "demandeur_date_naissance": add_years(today(), -18)})


def test_every_type_is_offered_on_the_intake_page_in_french(app, town, client):
    page = html.unescape(client.get("/admin/intake/", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    for label in ("Demande d'acte d'état civil", "Dossier de mariage", "Enregistrement d'un PACS",
                  "Reconnaissance d'un enfant", "Duplicata du livret de famille", "Déclaration de naissance",
                  "Recensement citoyen", "Changement de prénom", "Changement de nom (procédure simplifiée)"):
        assert label in page, label
