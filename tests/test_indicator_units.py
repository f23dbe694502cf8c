"""The unit after a figure takes the form that fits the figure in the
reader's language: « 1 demande », « 1,5 jour », « 2 demandes » in French,
"1 request", "1.5 days", "2 requests" in English; a symbol stays as it is."""
import pytest
from flask_babel import force_locale

from grc_core.indicators.units import DAYS, REQUESTS, unit_label
from grc_core.plugin_api import Unit


@pytest.mark.parametrize("locale, value, requests, days", [
    ("fr", 0, "demande", "jour"),        # French: 0 and 1 (and what lies between) are singular
    ("fr", 1, "demande", "jour"),
    ("fr", 1.5, "demande", "jour"),      # « 1,5 jour »
    ("fr", 2, "demandes", "jours"),
    ("fr", None, "demandes", "jours"),   # no figure: « — demandes »
    ("en", 0, "requests", "days"),       # English: 1 alone is singular
    ("en", 1, "request", "day"),
    ("en", 1.0, "request", "day"),       # a count computed as a float
    ("en", 1.5, "requests", "days"),     # "1.5 days"
    ("en", 2, "requests", "days"),
    ("en", None, "requests", "days"),
    ("en", 0.96, "request", "day"),      # written « 1 »: the form of what is read
    ("fr", 1.96, "demandes", "jours"),   # written « 2 »
])
def test_the_core_units_take_the_form_of_the_figure(app, locale, value, requests, days):
    with app.test_request_context(), force_locale(locale):
        assert unit_label(REQUESTS, value) == requests
        assert unit_label(DAYS, value) == days


def test_a_plugins_unit_takes_the_form_of_the_figure_and_a_symbol_stays_as_it_is(app):
    reports = Unit("signalement", "signalements")  # a plugin may write its unit in plain words
    with app.test_request_context():
        with force_locale("fr"):
            assert [unit_label(reports, value) for value in (0, 1, 1.5, 2, None)] == [
                "signalement", "signalement", "signalement", "signalements", "signalements"]
            assert [unit_label("%", value) for value in (1, 2, None)] == ["%", "%", "%"]
        with force_locale("en"):
            assert [unit_label(reports, value) for value in (1, 2)] == ["signalement", "signalements"]
            assert unit_label("€", 1) == "€"


def test_the_codes_the_core_declared_before_units_still_read_as_units(app):
    with app.test_request_context(), force_locale("fr"):
        assert unit_label("requests", 1) == "demande" and unit_label("days", 3) == "jours"
        assert unit_label("signalements", 1) == "signalements"  # any other string: as it is
