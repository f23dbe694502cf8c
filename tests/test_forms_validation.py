"""Low-code forms: every field type's valid and invalid input, conditions,
JSON-safe values, and the specs a commune admin may write.

Validation runs in an English request context so that the messages are
WTForms' and ours as written; the back-office tests check the French pages.
"""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from grc_core.extensions import db
from grc_core.forms.builder import build_form_class, normalise_phone
from grc_core.forms.display import readable_data
from grc_core.forms.specs import check_specs, fields_of, spec_from_dict, spec_to_dict, value_matches
from grc_core.forms.validation import ALL, build_form, render_fields, validate_request_data
from grc_core.models import Commune, RequestType
from grc_core.plugin_api.testing import make_commune
from grc_core.plugin_api import FieldSpec

SPECS = [
    FieldSpec("objet", "Objet", "text", required=True, max=20, help="En quelques mots"),
    FieldSpec("description", "Description", "textarea", min=5),
    FieldSpec("nombre", "Nombre de personnes", "integer", min=1, max=10),
    FieldSpec("montant", "Montant", "decimal", min=0, max=1000.5),
    FieldSpec("date_evenement", "Date de l'événement", "date"),
    FieldSpec("courriel", "Courriel", "email"),
    FieldSpec("telephone", "Téléphone", "phone"),
    FieldSpec("categorie", "Catégorie", "choice", choices=(("voirie", "Voirie"), ("bruit", "Bruit"), ("autre", "Autre"))),
    FieldSpec("jours", "Jours", "multichoice", choices=(("lundi", "Lundi"), ("mardi", "Mardi"))),
    FieldSpec("urgent", "Urgent", "boolean", required=True),
    FieldSpec("piece", "Pièce jointe", "file"),
    FieldSpec("adresse", "Adresse", "address"),
    FieldSpec("precision", "Précisez", "text", required=True, condition=("categorie", ("autre",))),
    FieldSpec("detail_precision", "Détail", "integer", required=True, condition=("precision", ("oui",))),
]
VALID = {"f_objet": "Lampadaire", "f_categorie": "voirie"}


@pytest.fixture
def commune(app):
    return make_commune(app, plugins=[])


@pytest.fixture
def context(app, commune):
    """An English request of the commune; yields the commune and a type using SPECS."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        from grc_core.tenancy import use_commune
        with use_commune(commune):
            request_type = RequestType(code="commune.essai", label="Essai", plugin=None, active=True,
                                       fields=[spec_to_dict(spec) for spec in SPECS], channels=["guichet"])
            yield db.session.get(Commune, commune), request_type


def validate(context, values):
    commune, request_type = context
    return validate_request_data(request_type, MultiDict({**VALID, **values}), commune)


@pytest.mark.parametrize(("values", "field", "stored"), [
    ({"f_objet": "  Lampadaire cassé "}, "objet", "Lampadaire cassé"),
    ({"f_description": "Il clignote la nuit"}, "description", "Il clignote la nuit"),
    ({"f_nombre": "10"}, "nombre", 10),
    ({"f_montant": "12,50"}, "montant", "12.50"),
    ({"f_montant": "1000.5"}, "montant", "1000.5"),
    ({"f_date_evenement": "25/12/2026"}, "date_evenement", "2026-12-25"),
    ({"f_date_evenement": "2026-12-25"}, "date_evenement", "2026-12-25"),
    ({"f_courriel": "jeanne.martin@example.fr"}, "courriel", "jeanne.martin@example.fr"),
    ({"f_telephone": "01 23 45 67 89"}, "telephone", "01 23 45 67 89"),
    ({"f_telephone": "+33 6 12 34 56 78"}, "telephone", "06 12 34 56 78"),
    ({"f_telephone": "0612345678"}, "telephone", "06 12 34 56 78"),
    ({"f_categorie": "bruit"}, "categorie", "bruit"),
    ({"f_jours": ["lundi", "mardi"]}, "jours", ["lundi", "mardi"]),
    ({"f_urgent": "y"}, "urgent", True),
    ({}, "urgent", False),  # a required yes/no box may stay unticked
    ({"f_adresse": "3 rue des Lilas, 45000 Orléans"}, "adresse", "3 rue des Lilas, 45000 Orléans"),
    ({}, "nombre", None),
    ({}, "jours", []),
])
def test_valid_input_is_stored_as_plain_json(context, values, field, stored):
    data, errors = validate(context, values)
    assert errors == {}
    assert data[field] == stored


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"f_objet": ""}, "objet", "This field is required."),
    ({"f_objet": "   "}, "objet", "This field is required."),
    ({"f_objet": "x" * 21}, "objet", "Field cannot be longer than 20 characters."),
    ({"f_description": "abc"}, "description", "Field must be at least 5 characters long."),
    ({"f_nombre": "trois"}, "nombre", "Not a valid integer value."),
    ({"f_nombre": "11"}, "nombre", "Number must be between 1 and 10."),
    ({"f_nombre": "0"}, "nombre", "Number must be between 1 and 10."),
    ({"f_montant": "douze"}, "montant", "Not a valid decimal value."),
    ({"f_montant": "NaN"}, "montant", "Not a valid decimal value."),
    ({"f_montant": "-1"}, "montant", "Number must be between 0 and 1000.5."),
    ({"f_date_evenement": "31/02/2026"}, "date_evenement", "Not a valid date value."),
    ({"f_date_evenement": "demain"}, "date_evenement", "Not a valid date value."),
    ({"f_courriel": "jeanne.example.fr"}, "courriel", "Invalid email address."),
    ({"f_telephone": "12345"}, "telephone", "Enter a French phone number, e.g. 01 23 45 67 89."),
    ({"f_telephone": "+44 20 7946 0958"}, "telephone", "Enter a French phone number, e.g. 01 23 45 67 89."),
    ({"f_categorie": "lune"}, "categorie", "Not a valid choice."),
    ({"f_jours": ["lundi", "dimanche"]}, "jours", "'dimanche' is not a valid choice for this field."),
])
def test_invalid_input_gets_a_message_for_its_field(context, values, field, message):
    data, errors = validate(context, values)
    assert errors[field] == [message]
    assert list(errors) == [field]


def test_a_file_is_collected_for_the_attachments_code(context):
    upload = FileStorage(io.BytesIO(b"%PDF-1.4"), filename="plan.pdf", content_type="application/pdf")
    data, errors = validate(context, {"f_piece": upload})
    assert errors == {}
    assert data["piece"] == "plan.pdf"
    assert data.files == {"piece": upload}


def test_a_required_file_is_required(context):
    commune, _type = context
    request_type = RequestType(code="commune.piece", label="Pièce", active=True,
                               fields=[spec_to_dict(FieldSpec("piece", "Pièce", "file", required=True))])
    empty = FileStorage(io.BytesIO(b""), filename="")
    data, errors = validate_request_data(request_type, MultiDict({"f_piece": empty}), commune)
    assert errors == {"piece": ["This field is required."]}


def test_a_conditional_field_is_required_only_when_its_condition_holds(context):
    data, errors = validate(context, {"f_categorie": "voirie", "f_precision": "ignored"})
    assert errors == {}
    assert "precision" not in data and "detail_precision" not in data

    data, errors = validate(context, {"f_categorie": "autre"})
    assert errors == {"precision": ["This field is required."]}

    data, errors = validate(context, {"f_categorie": "AUTRE "})
    assert errors == {"categorie": ["Not a valid choice."]}

    data, errors = validate(context, {"f_categorie": "autre", "f_precision": "Oui"})
    assert errors == {"detail_precision": ["This field is required."]}

    data, errors = validate(context, {"f_categorie": "autre", "f_precision": "oui", "f_detail_precision": "4"})
    assert errors == {}
    assert data["precision"] == "oui" and data["detail_precision"] == 4


def test_a_hidden_field_is_not_validated_and_its_chain_is_hidden_too(context):
    # "detail_precision" depends on "precision", itself hidden: garbage in it is ignored.
    data, errors = validate(context, {"f_categorie": "bruit", "f_precision": "oui", "f_detail_precision": "x"})
    assert errors == {}
    assert "detail_precision" not in data


def test_the_api_may_send_plain_values_keyed_by_field_name(context):
    commune, request_type = context
    data, errors = validate_request_data(request_type, {
        "objet": "Arbre tombé", "categorie": "voirie", "nombre": 3, "urgent": True, "jours": ["mardi"],
        "montant": 7.5,
    }, commune)
    assert errors == {}
    assert data["nombre"] == 3 and data["urgent"] is True and data["jours"] == ["mardi"] and data["montant"] == "7.5"


def test_stored_data_fills_the_form_again_and_reads_in_french(context):
    commune, request_type = context
    stored = {"objet": "Lampadaire", "categorie": "voirie", "date_evenement": "2026-12-25", "montant": "12.50",
              "urgent": True, "jours": ["lundi"], "ancien_champ": "gardé"}
    form = build_form(request_type, formdata=None, data=stored)
    assert form.f_date_evenement.data.isoformat() == "2026-12-25"
    assert str(form.f_montant.data) == "12.50"
    rows = dict(readable_data(request_type, stored))
    assert rows["Date de l'événement"] == "25/12/2026"
    assert rows["Montant"] == "12,50"
    assert rows["Catégorie"] == "Voirie"
    assert rows["Jours"] == "Lundi"
    assert rows["Urgent"] == "Yes"
    assert rows["ancien_champ"] == "gardé"


def test_rendered_fields_carry_errors_conditions_and_escaped_labels(context):
    commune, request_type = context
    request_type.fields = [*request_type.fields, spec_to_dict(FieldSpec("x", "<script>alert(1)</script>", "text"))]
    form = build_form(request_type, MultiDict({"f_nombre": "99", "f_categorie": "voirie"}))
    data, errors = validate_request_data(request_type, MultiDict({"f_nombre": "99"}), commune)
    form.validate()
    html = str(render_fields(form, {ALL: ["Refusé <b>par</b> le plugin"]}))
    assert 'name="f_nombre"' in html and "is-invalid" in html
    assert 'data-grc-error-for="nombre">Number must be between 1 and 10.</div>' in html
    assert 'data-grc-show-if="f_categorie"' in html and "data-grc-show-values=\"[&#34;autre&#34;]\"" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Refusé &lt;b&gt;par&lt;/b&gt; le plugin" in html
    assert 'type="tel"' in html and 'type="date"' in html and "grc/forms.js" in html


def test_the_builder_can_extend_the_pages_own_form(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class Intake(FlaskForm):
        subject = StringField("Objet")

    with app.test_request_context("/"):
        form_class = build_form_class([FieldSpec("subject", "Sujet du formulaire", "text")], base=Intake)
        form = form_class(formdata=MultiDict({"subject": "a", "f_subject": "b"}), meta={"csrf": False})
        assert form.subject.data == "a" and form.f_subject.data == "b"


@pytest.mark.parametrize(("raw", "normalised"), [
    ("0123456789", "01 23 45 67 89"), ("01.23.45.67.89", "01 23 45 67 89"),
    ("+33 (0)1 23 45 67 89", "01 23 45 67 89"), ("0033 6 12 34 56 78", "06 12 34 56 78"),
])
def test_phone_numbers_are_written_as_read_on_the_phone(raw, normalised):
    assert normalise_phone(raw) == normalised


def test_specs_round_trip_through_json():
    for spec in SPECS:
        assert spec_from_dict(spec_to_dict(spec)) == spec


@pytest.mark.parametrize(("fields", "message"), [
    ([FieldSpec("Nom", "Nom")], "Field Nom: the name must be lower-case letters, digits and underscores"),
    ([FieldSpec("nom", "Nom"), FieldSpec("nom", "Nom bis")], "Field nom: another field already has this name."),
    ([FieldSpec("nom", " ")], "Field nom: the label is required."),
    ([FieldSpec("nom", "Nom", "colour")], "Field nom: unknown type « colour »."),
    ([FieldSpec("liste", "Liste", "choice")], "Field liste: a list of choices is required."),
    ([FieldSpec("liste", "Liste", "multichoice", choices=(("a", "A"), ("a", "B")))],
     "Field liste: each choice needs its own, non-empty value."),
    ([FieldSpec("age", "Âge", "integer", min=10, max=5)], "Field age: the minimum is greater than the maximum."),
    ([FieldSpec("jour", "Jour", "date", min=1)], "Field jour: bounds apply only to numbers and text."),
    ([FieldSpec("nom", "Nom", "text", max=2.5)], "Field nom: text lengths are whole numbers of characters."),
    ([FieldSpec("b", "B", condition=("a", ("x",))), FieldSpec("a", "A")],
     "Field b: the condition must refer to a field above it (« a »)."),
    ([FieldSpec("a", "A", "choice", choices=(("x", "X"),)), FieldSpec("b", "B", condition=("a", ("y",)))],
     "Field b: « y » is not a choice of « a »."),
    ([FieldSpec("a", "A", "text"), FieldSpec("b", "B", condition=("a", ()))],
     "Field b: the condition needs at least one value."),
])
def test_check_specs_gives_the_reason(app, fields, message):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        errors = check_specs(fields)
    assert any(error.startswith(message) for error in errors), errors


def test_check_specs_accepts_good_specs(app):
    with app.test_request_context("/"):
        assert check_specs(SPECS) == []
        assert check_specs([spec_to_dict(spec) for spec in SPECS]) == []


def test_values_match_as_text_ignoring_case():
    assert value_matches("Centre", ["centre"])
    assert value_matches(["a", "B"], ["b"])
    assert value_matches(True, ["oui"]) and value_matches(False, ["non"]) and not value_matches(True, ["non"])
    assert value_matches(12, ["12"])
    assert not value_matches(None, ["x"])


def test_a_commune_type_takes_its_fields_from_its_json(app, context):
    commune, request_type = context
    assert [spec.name for spec in fields_of(request_type)] == [spec.name for spec in SPECS]
