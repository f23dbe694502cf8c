"""The pure rules, table-tested at the law's and the commune's edges."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from plugins.equipements import rules
from plugins.equipements.rules import DurationUnit as U

# The rules' texts are lazy: read in French, as the commune writes them (English: test_rules_english.py).
pytestmark = pytest.mark.usefixtures("in_french")

PARIS = ZoneInfo("Europe/Paris")


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


# --- tariff ---------------------------------------------------------------

RATES = {U.HOUR: Decimal("20"), U.HALF_DAY: Decimal("80"), U.DAY: Decimal("150"), U.WEEKEND: Decimal("250")}


@pytest.mark.parametrize("start, end, amount, unit, quantity", [
    ("2027-03-03T10:00", "2027-03-03T11:00", "20", U.HOUR, 1),        # one hour
    ("2027-03-03T10:00", "2027-03-03T11:01", "40", U.HOUR, 2),        # a started hour counts
    ("2027-03-03T10:00", "2027-03-03T14:00", "80", U.HOUR, 4),        # 4 h: 80 by hours = 80 by half-day, hour first
    ("2027-03-03T10:00", "2027-03-03T15:00", "80", U.HALF_DAY, 1),    # 5 h: one half-day
    ("2027-03-03T10:00", "2027-03-03T15:01", "120", U.HOUR, 6),       # just over: 6 h (120) < 2 half-days (160)
    ("2027-03-03T08:00", "2027-03-03T20:00", "150", U.DAY, 1),        # a day
    ("2027-03-03T08:00", "2027-03-05T00:00", "300", U.DAY, 2),        # ends at midnight: 2 days, not 3
    ("2027-03-05T14:00", "2027-03-08T12:00", "250", U.WEEKEND, 1),    # Friday 14:00 → Monday noon
    ("2027-03-05T13:59", "2027-03-08T12:00", "600", U.DAY, 4),        # Friday before 14:00: not a weekend
    ("2027-03-06T09:00", "2027-03-08T12:01", "450", U.DAY, 3),        # past Monday noon: days
])
def test_the_citizen_pays_the_most_favourable_way_to_cover_the_period(start, end, amount, unit, quantity):
    result = rules.quote(RATES, at(start), at(end))
    assert (result.amount, result.unit, result.quantity) == (Decimal(amount), unit, quantity)
    assert "L2125-1" in result.legal_basis


def test_free_use_decided_by_the_commune_costs_nothing_and_says_why():
    result = rules.quote(RATES, at("2027-03-03T10:00"), at("2027-03-03T11:00"), free=True)
    assert result.amount == 0 and "L2125-1" in result.legal_basis and "L2144-3" in result.legal_basis


def test_a_grid_with_only_a_day_rate_charges_days():
    assert rules.quote({U.DAY: Decimal("100")}, at("2027-03-03T10:00"), at("2027-03-03T11:00")).amount == 100


@pytest.mark.parametrize("rates, start, end", [
    (RATES, "2027-03-03T10:00", "2027-03-03T10:00"),
    ({}, "2027-03-03T10:00", "2027-03-03T11:00"),
    ({U.WEEKEND: Decimal("1")}, "2027-03-03T10:00", "2027-03-03T11:00"),
])
def test_no_quote_for_an_empty_period_or_a_grid_without_a_matching_unit(rates, start, end):
    with pytest.raises(ValueError):
        rules.quote(rates, at(start), at(end))


# --- deposit ---------------------------------------------------------------

@pytest.mark.parametrize("kept, reason, returned, kept_amount, problem", [
    ("0", "", "500", "0", ""),
    ("", "", "500", "0", ""),
    ("120,50", "Ménage non fait", "379.50", "120.50", ""),
    ("500", "Vitre cassée", "0", "500", ""),
    ("500.01", "Vitre cassée", "500", "0", "dépasse la caution"),
    ("50", "", "500", "0", "motif"),
    ("50", "   ", "500", "0", "motif"),
    ("-1", "x", "500", "0", "négatif"),
    ("abc", "x", "500", "0", "illisible"),
    ("NaN", "x", "500", "0", "négatif"),
])
def test_a_deposit_kept_in_part_needs_a_reason_and_stays_within_the_deposit(kept, reason, returned, kept_amount,
                                                                             problem):
    result = rules.settle_deposit(Decimal("500"), kept, reason)
    assert (result.returned, result.kept) == (Decimal(returned), Decimal(kept_amount))
    assert (problem in result.problem) if problem else result.problem == ""


def test_the_communes_own_services_pay_no_deposit():
    assert rules.deposit_due(Decimal("500"), service_commune=True) == 0
    assert rules.deposit_due(Decimal("500")) == 500
    with pytest.raises(ValueError):
        rules.deposit_due(Decimal("-1"))


# --- booking ----------------------------------------------------------------

OPEN = rules.OpeningHours.parse("0123456", "08:00", "24:00")
NOW = at("2027-03-01T09:00")


def problems(start, end, **more):
    args = dict(start=at(start), end=at(end), now=NOW, opening=OPEN, capacity=200, attendance=100,
                facility="la salle des fêtes")
    args.update(more)
    return [(p.field, p.message) for p in rules.check_booking(rules.BookingInput(**args))]


def test_a_booking_within_every_rule_is_accepted():
    assert problems("2027-03-20T10:00", "2027-03-21T00:00") == []


@pytest.mark.parametrize("start, end, field, words", [
    ("2027-03-20T10:00", "2027-03-20T10:00", "end", "après son début"),
    ("2027-02-28T10:00", "2027-02-28T12:00", "start", "passée"),
    ("2027-03-15T10:00", "2027-03-15T12:00", "start", "au plus tard le 28/02/2027"),  # 14 days ahead
    ("2027-03-20T07:59", "2027-03-20T12:00", "start", "heures d'ouverture"),
])
def test_refusals_of_the_period(start, end, field, words):
    found = problems(start, end)
    assert any(f == field and words in m for f, m in found), found


def test_notice_edge_exactly_fifteen_days_is_accepted_and_services_are_exempt():
    assert problems("2027-03-16T10:00", "2027-03-16T12:00") == []
    assert problems("2027-03-15T10:00", "2027-03-15T12:00", exempt_from_notice=True) == []
    assert problems("2027-03-02T10:00", "2027-03-02T12:00", notice_days=0) == []


@pytest.mark.parametrize("attendance, words", [(200, None), (201, "dépassent la capacité"), (0, "au moins 1")])
def test_capacity_edge(attendance, words):
    found = problems("2027-03-20T10:00", "2027-03-20T12:00", attendance=attendance)
    assert (found == []) if words is None else any(f == "attendance" and words in m for f, m in found)


@pytest.mark.parametrize("days, opens, closes, start, end, ok", [
    ("01234", "08:00", "22:00", "2027-03-19T08:00", "2027-03-19T22:00", True),    # Friday, exact hours
    ("01234", "08:00", "22:00", "2027-03-19T08:00", "2027-03-19T22:30", False),   # after closing
    ("01234", "08:00", "22:00", "2027-03-20T10:00", "2027-03-20T12:00", False),   # Saturday closed
    ("01234", "08:00", "22:00", "2027-03-18T10:00", "2027-03-20T12:00", False),   # runs into Saturday
    ("56", "08:00", "24:00", "2027-03-20T08:00", "2027-03-22T00:00", True),        # weekend to midnight Sunday
    ("0123456", "08:00", "24:00", "2027-03-20T20:00", "2027-03-21T02:00", False),   # ends at 2 am
])
def test_opening_hours_edges(days, opens, closes, start, end, ok):
    opening = rules.OpeningHours.parse(days, opens, closes)
    assert (rules.opening_problems(at(start), at(end), opening) == []) is ok


@pytest.mark.parametrize("text", ["8:00", "25:00", "24:30", "12:60", "", "midi"])
def test_malformed_hours_are_refused(text):
    with pytest.raises(ValueError, match="Heure illisible"):
        rules.parse_hhmm(text)


@pytest.mark.parametrize("start, end, closed", [
    ("2027-04-09T10:00", "2027-04-10T00:00", False),   # ends at midnight before the closure
    ("2027-04-10T00:00", "2027-04-10T02:00", True),    # first day of the closure
    ("2027-04-20T23:00", "2027-04-21T00:00", True),    # last day of the closure
    ("2027-04-21T00:00", "2027-04-21T10:00", False),   # the day after
])
def test_closures_include_their_first_and_last_days(start, end, closed):
    closures = [(date(2027, 4, 10), date(2027, 4, 20), "travaux")]
    assert bool(rules.closure_problems(at(start), at(end), closures)) is closed


@pytest.mark.parametrize("start, end, conflict", [
    ("2027-03-20T08:00", "2027-03-20T14:00", False),   # ends when the other starts
    ("2027-03-20T18:00", "2027-03-20T20:00", False),   # starts when the other ends
    ("2027-03-20T13:59", "2027-03-20T14:01", True),
    ("2027-03-20T15:00", "2027-03-20T16:00", True),    # inside
    ("2027-03-20T08:00", "2027-03-20T22:00", True),    # around
])
def test_conflicts_are_overlaps_of_half_open_periods(start, end, conflict):
    other = rules.Occupation(at("2027-03-20T14:00"), at("2027-03-20T18:00"), "mariage Dupont")
    assert bool(rules.conflicts(at(start), at(end), [other])) is conflict
    found = problems(start, end, occupied=[other])
    assert any("déjà réservé" in m and "mariage Dupont" in m for _, m in found) is conflict


def test_season_occurrences_skip_closures():
    slots = rules.season_occurrences(date(2027, 9, 1), date(2027, 9, 30), 1, 18 * 60, 20 * 60,
                                     skip=[(date(2027, 9, 14), date(2027, 9, 14), "élections")])
    assert [d for d, _, _ in slots] == [date(2027, 9, 7), date(2027, 9, 21), date(2027, 9, 28)]
    with pytest.raises(ValueError):
        rules.season_occurrences(date(2027, 9, 1), date(2027, 9, 30), 1, 60, 60)


# --- stock ------------------------------------------------------------------

HELD = [rules.Held(at("2027-06-19T08:00"), at("2027-06-21T08:00"), 30),
        rules.Held(at("2027-06-21T08:00"), at("2027-06-22T08:00"), 40),
        rules.Held(at("2027-06-20T10:00"), at("2027-06-20T12:00"), 15)]


@pytest.mark.parametrize("start, end, free", [
    ("2027-06-18T08:00", "2027-06-19T08:00", 50),   # before every loan
    ("2027-06-19T08:00", "2027-06-20T09:00", 20),   # the first loan
    ("2027-06-20T09:00", "2027-06-20T13:00", 5),    # first + third at once
    ("2027-06-20T12:00", "2027-06-22T08:00", 10),   # second follows the first: 40, not 70
    ("2027-06-22T08:00", "2027-06-23T08:00", 50),   # after
])
def test_free_stock_is_the_stock_minus_the_peak_out_at_one_moment(start, end, free):
    assert rules.available(50, HELD, at(start), at(end)) == free


def test_a_loan_beyond_the_stock_over_the_period_is_refused_with_figures():
    assert rules.loan_problem("Tables", 5, 50, HELD, at("2027-06-20T09:00"), at("2027-06-20T13:00")) is None
    message = rules.loan_problem("Tables", 6, 50, HELD, at("2027-06-20T09:00"), at("2027-06-20T13:00"))
    assert str(message) == "Tables : 6 demandés, 5 disponibles sur la période (stock : 50)."
    assert "au moins 1" in rules.loan_problem("Tables", 0, 50, [], at("2027-06-20T09:00"), at("2027-06-20T13:00"))


# --- buvette -----------------------------------------------------------------

def buvette(**more):
    args = dict(organiser=rules.OrganiserKind.ASSOCIATION, start=at("2027-07-14T10:00"), end=at("2027-07-14T23:00"),
                groups=frozenset({1, 3}), already_this_year=0)
    args.update(more)
    return rules.buvette_decision(rules.BuvetteInput(**args))


@pytest.mark.parametrize("already, allowed", [(0, True), (4, True), (5, False)])
def test_five_a_year_per_association(already, allowed):
    decision = buvette(already_this_year=already)
    assert decision.allowed is allowed and decision.yearly_limit == 5 and str(decision.legal_basis) == "CSP L3334-2"
    if not allowed:
        assert "la limite est de 5 par an" in decision.reasons[0]


@pytest.mark.parametrize("already, hours, allowed", [(9, 48, True), (10, 24, False), (0, 49, False)])
def test_ten_a_year_of_48_hours_for_approved_sports_associations_in_sports_facilities(already, hours, allowed):
    start = at("2027-07-14T08:00")
    decision = buvette(organiser=rules.OrganiserKind.SPORTS_ASSOCIATION, approved_sports=True,
                       in_sports_facility=True, already_this_year=already, start=start,
                       end=datetime.fromtimestamp(start.timestamp() + hours * 3600, PARIS))
    assert decision.allowed is allowed and decision.yearly_limit == 10


def test_only_approved_sports_associations_in_sports_facilities_and_only_groups_1_and_3():
    assert not buvette(in_sports_facility=True).allowed
    assert not buvette(organiser=rules.OrganiserKind.SPORTS_ASSOCIATION, in_sports_facility=True).allowed
    refused = buvette(groups=frozenset({1, 4, 5}))
    assert tuple(map(str, refused.reasons)) == ("Seules les boissons des groupes 1 et 3 peuvent être vendues dans une buvette "
                               "temporaire (groupes 4, 5 refusés ; CSP L3334-2).",)
    assert not buvette(groups=frozenset()).allowed
    assert not buvette(organiser=rules.OrganiserKind.OTHER).allowed
