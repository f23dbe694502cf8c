"""Scores, bad answers, figures and timing of closing surveys (rules/, pure)."""
from datetime import date, datetime, timezone

import pytest

from grc_core.plugin_api.testing import rules_package_problems
from plugins.enquetes import rules


def test_the_rules_package_exports_its_modules():
    assert rules_package_problems(rules) == []


@pytest.mark.parametrize("value, expected", [
    ("1", 1), ("5", 5), (" 3 ", 3), ("0", None), ("6", None), ("-1", None), ("05", None), ("2.5", None),
    ("", None), ("x", None), ("99999999999999999999", None), ("٣", None),
])
def test_parse_score(value, expected):
    assert rules.parse_score(value) == expected


@pytest.mark.parametrize("score, resolved, bad", [
    (1, "", True), (2, "yes", True), (3, "", False), (3, "no", True), (5, "no", True), (5, "partly", False),
    (None, "no", True), (None, "", False),
])
def test_a_bad_answer_is_a_low_score_or_not_resolved(score, resolved, bad):
    assert rules.is_bad_answer(score, resolved) is bad


@pytest.mark.parametrize("resolved, comment, problem", [
    ("yes", "", None), ("", "Merci", None), ("partly", "x" * 2000, None), ("no", "ligne 1\nligne 2", None),
    ("maybe", "", "resolved"), ("yes", "x" * 2001, "comment"), ("yes", "a\x00b", "comment"),
])
def test_answer_problem(resolved, comment, problem):
    assert rules.answer_problem(resolved, comment) == problem


def test_summary_on_a_known_set():
    figures = rules.summary(10, [5, 5, 4, 3, 1], ["yes", "yes", "partly", "no"])
    assert figures == {"invited": 10, "answered": 5, "response_rate": 50.0, "mean": 3.6,
                       "distribution": {1: 1, 2: 0, 3: 1, 4: 1, 5: 2}, "resolved_share": 50.0, "net": 40.0}


def test_summary_without_answers_says_nothing_rather_than_zero():
    assert rules.summary(0, [], []) == {"invited": 0, "answered": 0, "response_rate": None, "mean": None,
                                        "distribution": {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}, "resolved_share": None,
                                        "net": None}


CLOSED = datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc)


def test_timing_at_its_edges():
    assert rules.due_at(CLOSED, 0) == CLOSED
    assert rules.due_at(CLOSED, 48) == datetime(2026, 3, 30, 23, 30, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        rules.due_at(CLOSED, -1)
    expires = rules.expires_at(CLOSED, 30)
    assert not rules.is_expired(expires, datetime(2026, 4, 27, 23, 29, 59, tzinfo=timezone.utc))
    assert rules.is_expired(expires, datetime(2026, 4, 27, 23, 30, tzinfo=timezone.utc))
    assert rules.is_expired(None, CLOSED)
    assert rules.is_expired(datetime(2026, 3, 28, 23, 30), CLOSED)  # naive (SQLite): UTC
    with pytest.raises(ValueError):
        rules.expires_at(CLOSED, 0)


def test_age_bands_change_on_the_birthday():
    from datetime import date

    today = date(2026, 6, 15)
    assert rules.age_band(date(2001, 6, 16), today) == "-25"   # 24 until tomorrow
    assert rules.age_band(date(2001, 6, 15), today) == "25-39"  # 25 today
    assert rules.age_band(date(1951, 6, 15), today) == "75+"
    assert rules.age_band(None, today) == ""


def test_question_results_and_groups():
    assert rules.question_result("integer", (), [5, 4, None, 4, ""]) == {
        "answered": 3, "mean": 4.33, "distribution": [("4", 2), ("5", 1)], "verbatims": []}
    assert rules.question_result("choice", (("a", "A"), ("b", "B")), ["b", None, "b"])["distribution"] == [
        ("a", 0), ("b", 2)]
    assert rules.question_result("multichoice", (("a", "A"), ("b", "B")), [["a", "b"], ["b"]])["distribution"] == [
        ("a", 1), ("b", 2)]
    assert rules.question_result("boolean", (), [True, False, True])["distribution"] == [("yes", 2), ("no", 1)]
    assert rules.question_result("textarea", (), ["<b>x</b>", None])["verbatims"] == ["<b>x</b>"]
    shown, hidden = rules.groups({"A": 6, "B": 3, "C": 2}, {"A": [1] * 5, "B": [1] * 2}, threshold=5)
    assert shown == [("A", 6, [1] * 5)] and hidden == 1
    assert rules.response_rate(0, 0) is None and rules.response_rate(3, 1) == 33.3
    assert rules.window_problem(datetime(2026, 1, 2).date(), datetime(2026, 1, 5).date(),
                                datetime(2026, 1, 1).date()) == "not_open"
    assert rules.window_problem(datetime(2026, 1, 2).date(), datetime(2026, 1, 5).date(),
                                datetime(2026, 1, 5).date()) == ""
    assert rules.window_problem(datetime(2026, 1, 2).date(), datetime(2026, 1, 5).date(),
                                datetime(2026, 1, 6).date()) == "closed"


# --- the channel of a closing survey -------------------------------------------------------

MOBILE = "+33612345678"


@pytest.mark.parametrize("wanted, mobile, account, consents, expected", [
    ("email", MOBILE, True, [("email", True)], ("email", "", "")),
    ("sms", MOBILE, False, [("sms", True), ("email", True)], ("sms", "", "")),
    ("sms", "", False, [("sms", True), ("email", True)], ("email", "no_mobile", "")),
    ("sms", MOBILE, False, [("sms", False), ("email", True)], ("email", "no_sms_consent", "")),
    ("sms", MOBILE, False, [("email", True)], ("email", "no_sms_consent", "")),
    ("portal", "", True, [("sms", True)], ("portal", "", "")),
    ("portal", "", False, [("email", True)], ("email", "no_account", "")),
    ("portal", "", True, [("email", False)], ("email", "no_portal_consent", "refused")),
    ("sms", "", False, [], ("email", "no_mobile", "no_consent")),
    # A withdrawn consent with an active one on the same channel: the active one counts.
    ("email", "", False, [("email", False), ("email", True)], ("email", "", "")),
])
def test_the_channel_falls_back_to_e_mail_and_says_why(wanted, mobile, account, consents, expected):
    assert rules.channel_for(wanted, email="a@x.fr", mobile=mobile, has_account=account,
                             consents=consents) == expected


def test_no_address_is_said_after_the_fallback():
    assert rules.channel_for("sms", email="", mobile="", has_account=False, consents=[("sms", True)]) == (
        "email", "no_mobile", "no_address")
    with pytest.raises(ValueError):
        rules.channel_for("fax", email="a@x.fr", mobile="", has_account=False, consents=[])


# --- results ----------------------------------------------------------------------------------

def test_confidential_types_below_their_threshold_are_hidden():
    answers = {1: 4, 2: 5, 3: 0, 4: 1}
    assert rules.hidden_types(answers, confidential={1, 2, 3}, thresholds={2: 5, 3: 1}) == {1, 3}
    assert rules.hidden_types(answers, confidential=set(), thresholds={}) == set()


def test_the_month_and_the_comment_filters():
    assert rules.month_of(date(2026, 3, 31)) == "2026-03"
    assert rules.verbatim_matches(2, "no", "Trop LENT", score_filter=2, words="lent")
    assert not rules.verbatim_matches(2, "no", "Trop lent", score_filter=3)
    assert not rules.verbatim_matches(5, "yes", "Bien", resolved_filter="no")
    assert rules.verbatim_matches(5, "yes", "Bien", words="   ")
