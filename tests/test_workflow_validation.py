"""Validation of workflow definitions: the reasons an admin reads."""
import copy

import pytest

from grc_core.workflows.validation import validate
from tests.test_workflow_engine import SIMPLE, transition


@pytest.fixture
def definition(app_ctx):
    return copy.deepcopy(SIMPLE)


def without(items, code):
    return [item for item in items if item["code"] != code]


def test_a_sound_workflow_has_no_error(definition):
    assert validate(definition) == []


def test_a_plugin_template_is_sound(app_ctx):
    from flask import current_app

    from grc_core.workflows.definition import from_decl

    for decl in current_app.extensions["grc"].workflows():
        assert validate(from_decl(decl)) == [], decl.code


def test_codes_must_be_unique(definition):
    definition["states"].append({"code": "close", "label": "Autre", "kind": "closed", "visible": True})
    definition["transitions"].append(copy.deepcopy(definition["transitions"][0]))
    definition["timers"].append(copy.deepcopy(definition["timers"][0]))
    errors = validate(definition)
    assert "Deux états ont le code « close »." in errors
    assert "Deux transitions ont le code « prendre »." in errors
    assert "Deux minuteries ont le code « classement_tacite »." in errors


def test_kinds_one_new_state_and_a_closed_one(definition):
    definition["states"][1]["kind"] = "ouvert"
    assert "État « en_cours » : type « ouvert » inconnu." in validate(definition)
    definition["states"][1]["kind"] = "new"
    assert "Un seul état peut être de type « nouvelle » (ici : nouvelle, en_cours)." in validate(definition)
    definition["states"][0]["kind"] = definition["states"][1]["kind"] = "open"
    assert "Le circuit doit avoir un état de type « nouvelle » : les demandes y commencent." in validate(definition)
    definition = copy.deepcopy(SIMPLE)
    definition["states"][3]["kind"] = "open"
    assert "Le circuit doit avoir au moins un état de type « clôturée »." in validate(definition)


def test_transitions_refer_to_existing_states(definition):
    definition["transitions"][0]["target"] = "disparue"
    definition["transitions"][1]["source"] = ["en_cours", "fantome"]
    definition["transitions"][2]["roles"] = ["maire"]
    definition["transitions"][3]["set_due_days"] = -2
    errors = validate(definition)
    assert "La transition « prendre » mène à un état inconnu « disparue »." in errors
    assert "La transition « demander » part d'un état inconnu « fantome »." in errors
    assert "Transition « recevoir » : rôles inconnus maire." in errors
    assert "Transition « clore » : la nouvelle échéance doit être un nombre de jours, 0 ou plus." in errors


def test_every_state_is_reachable_from_the_initial_one(definition):
    definition["states"].append({"code": "archivee", "label": "Archivée", "kind": "closed", "visible": False})
    assert validate(definition) == [
        "L'état « Archivée » (archivee) est inaccessible depuis l'état initial."]


def test_no_dead_end(definition):
    definition["transitions"] = without(without(definition["transitions"], "recevoir"), "classer")
    definition["timers"] = []
    assert validate(definition) == [
        "L'état « En attente de pièces » (attente) est une impasse : aucune transition n'en sort et il n'est pas de type « clôturée »."]
    # A transition back into the same state does not get the request out.
    definition["transitions"].append(transition("relancer", "Relancer", ["attente"], "attente"))
    assert "est une impasse" in validate(definition)[0]


def test_timers_refer_to_a_state_and_a_transition_from_it(definition):
    timer = definition["timers"][0]
    timer["state"] = "en_cours"
    assert validate(definition) == [
        "Minuterie « classement_tacite » : la transition « classer » ne peut pas s'appliquer depuis l'état « en_cours »."]
    timer.update(state="nulle_part", transition="inconnue", delay_days=-1, anchor="pas une date")
    errors = validate(definition)
    assert "La minuterie « classement_tacite » surveille un état inconnu « nulle_part »." in errors
    assert "La minuterie « classement_tacite » applique une transition inconnue « inconnue »." in errors
    assert ("Minuterie « classement_tacite » : les délais sont des nombres entiers d'heures, de jours ou de mois, "
            "0 ou plus.") in errors
    assert any("pas de « pas une date »" in error for error in errors)


def test_a_date_field_may_anchor_a_timer(definition):
    definition["timers"][0]["anchor"] = "date_depot"
    assert validate(definition) == []
