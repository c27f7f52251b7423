"""Legal payment deadlines and late-payment interest of public buyers (CCP R.2192-10 to R.2192-36)."""

import doctest
from datetime import date
from decimal import Decimal

import pytest

from chorus import payment_deadlines
from chorus.payment_deadlines import (
    DAYS_BY_CATEGORY,
    ECB_MAIN_REFINANCING_RATES,
    MissingRateError,
    late_payment,
    paid_out_on,
    payment_clock,
    rate_in_force,
)

RATES = ECB_MAIN_REFINANCING_RATES


def test_doctests():
    assert doctest.testmod(payment_deadlines).failed == 0


@pytest.mark.parametrize(
    ("category", "available_on", "due"),
    [
        ("state", date(2025, 3, 4), date(2025, 4, 3)),
        ("local", date(2025, 3, 4), date(2025, 4, 3)),
        ("public_body", date(2025, 12, 15), date(2026, 1, 14)),
        ("health", date(2025, 1, 10), date(2025, 3, 1)),
        ("public_company", date(2024, 1, 15), date(2024, 3, 15)),  # 29 February counted
    ],
)
def test_deadline_of_each_buyer_category(category, available_on, due):
    clock = payment_clock(
        DAYS_BY_CATEGORY[category], date(2025, 1, 2), [(available_on, "MISE_A_DISPOSITION")]
    )
    assert (clock.start, clock.due, clock.suspended) == (available_on, due, False)


def test_clock_starts_at_deposit_when_chorus_did_not_report_the_availability():
    clock = payment_clock(30, date(2025, 3, 3), [(date(2025, 3, 3), "DEPOSEE")])
    assert (clock.start, clock.due) == (date(2025, 3, 3), date(2025, 4, 2))


def test_availability_is_the_start_whatever_the_order_of_the_history():
    history = [
        (date(2025, 3, 20), "SERVICE_FAIT"),
        (date(2025, 3, 4), "MISE_A_DISPOSITION"),
        (date(2025, 3, 3), "DEPOSEE"),
    ]
    assert payment_clock(30, date(2025, 3, 3), history).start == date(2025, 3, 4)


def test_a_recycled_invoice_is_received_when_made_available_again():
    history = [
        (date(2025, 3, 4), "MISE_A_DISPOSITION"),
        (date(2025, 3, 10), "A_RECYCLER"),
        (date(2025, 3, 12), "MISE_A_DISPOSITION"),
    ]
    assert payment_clock(30, date(2025, 3, 3), history).due == date(2025, 4, 11)


def test_suspension_opens_a_new_period_of_thirty_days_after_completion():
    history = [
        (date(2025, 3, 4), "MISE_A_DISPOSITION"),
        (date(2025, 3, 24), "SUSPENDUE"),  # 10 days were left
        (date(2025, 4, 10), "COMPLETEE"),
    ]
    clock = payment_clock(30, date(2025, 3, 3), history)
    assert (clock.suspended_on, clock.resumed_on, clock.due) == (
        date(2025, 3, 24),
        date(2025, 4, 10),
        date(2025, 5, 10),
    )


def test_suspension_keeps_what_was_left_when_more_than_thirty_days():
    history = [
        (date(2025, 1, 10), "MISE_A_DISPOSITION"),
        (date(2025, 1, 20), "SUSPENDUE"),  # 40 of the hospital's 50 days left
        (date(2025, 2, 5), "COMPLETEE"),
    ]
    assert payment_clock(50, date(2025, 1, 9), history).due == date(2025, 3, 17)


def test_the_clock_is_stopped_while_suspended():
    history = [(date(2025, 3, 4), "MISE_A_DISPOSITION"), (date(2025, 3, 24), "SUSPENDUE")]
    clock = payment_clock(30, date(2025, 3, 3), history)
    assert clock.suspended and clock.due is None


def test_only_the_first_suspension_stops_the_clock():
    history = [
        (date(2025, 3, 4), "MISE_A_DISPOSITION"),
        (date(2025, 3, 24), "SUSPENDUE"),
        (date(2025, 4, 10), "COMPLETEE"),
        (date(2025, 4, 20), "SUSPENDUE"),
    ]
    clock = payment_clock(30, date(2025, 3, 3), history)
    assert (clock.due, clock.suspended) == (date(2025, 5, 10), False)


def test_a_suspension_after_the_deadline_does_not_stop_it():
    history = [(date(2025, 3, 4), "MISE_A_DISPOSITION"), (date(2025, 4, 20), "SUSPENDUE")]
    assert payment_clock(30, date(2025, 3, 3), history).due == date(2025, 4, 3)


def test_a_rejected_invoice_has_no_deadline():
    history = [(date(2025, 3, 4), "MISE_A_DISPOSITION"), (date(2025, 3, 5), "REJETEE")]
    assert payment_clock(30, date(2025, 3, 3), history).due is None


def test_paid_out_date_is_the_first_mise_en_paiement():
    history = [
        (date(2025, 4, 1), "MANDATEE"),
        (date(2025, 4, 9), "MISE_EN_PAIEMENT"),
        (date(2025, 4, 12), "MISE_EN_PAIEMENT"),
    ]
    assert paid_out_on(history) == date(2025, 4, 9)
    assert paid_out_on(history[:1]) is None


def test_paid_on_time_owes_nothing():
    assert (
        late_payment(Decimal("1200.00"), date(2025, 4, 3), date(2025, 4, 3), RATES)
        == payment_deadlines.LatePayment()
    )
    assert late_payment(Decimal("1200.00"), date(2025, 4, 3), date(2025, 3, 20), RATES).indemnity == 0


@pytest.mark.parametrize(
    ("amount", "delay", "days", "rate", "interest"),
    [
        # ECB 0.00 from 2016: 8 %.
        ("500.00", (date(2020, 5, 1), date(2020, 5, 31)), 30, "8.00", "3.29"),
        # ECB 2.50 on 1 January 2023: 10.50 %.
        ("10000.00", (date(2023, 2, 28), date(2023, 3, 30)), 30, "10.50", "86.30"),
        # ECB 4.25 on 1 July 2024: 12.25 %.
        ("1234.56", (date(2024, 9, 30), date(2024, 11, 14)), 45, "12.25", "18.65"),
        # ECB 3.15 on 1 January 2025: 11.15 %.
        ("1200.00", (date(2025, 4, 3), date(2025, 4, 13)), 10, "11.15", "3.67"),
    ],
)
def test_interest_at_the_rate_of_each_half_year(amount, delay, days, rate, interest):
    due, paid_on = delay
    late = late_payment(Decimal(amount), due, paid_on, RATES)
    assert (late.days_late, late.legal_rate, late.interest, late.indemnity) == (
        days,
        Decimal(rate),
        Decimal(interest),
        Decimal("40.00"),
    )


def test_one_rate_for_the_whole_delay_when_it_crosses_into_another_half_year():
    # Interest starts on 21 June 2024 (ECB 4.50): the July rate (4.25) does not apply to its last days.
    late = late_payment(Decimal("1000.00"), date(2024, 6, 20), date(2024, 7, 20), RATES)
    assert (late.rate_date, late.legal_rate, late.interest) == (
        date(2024, 1, 1),
        Decimal("12.50"),
        Decimal("10.27"),
    )


def test_deadline_on_the_last_day_of_june_takes_the_july_rate():
    late = late_payment(Decimal("1000.00"), date(2024, 6, 30), date(2024, 7, 30), RATES)
    assert (late.rate_date, late.legal_rate, late.interest) == (
        date(2024, 7, 1),
        Decimal("12.25"),
        Decimal("10.07"),
    )


def test_leap_day_is_a_day_late_and_the_year_stays_365_days():
    late = late_payment(Decimal("3650.00"), date(2024, 2, 20), date(2024, 3, 5), RATES)
    assert (late.days_late, late.interest) == (14, Decimal("17.50"))
    assert late_payment(Decimal("3650.00"), date(2025, 2, 20), date(2025, 3, 5), RATES).days_late == 13


def test_interest_is_rounded_once_not_per_day():
    # 0.02877 a day: 7 days make 0.20, not 7 × 0.03.
    assert late_payment(Decimal("100.00"), date(2023, 3, 1), date(2023, 3, 8), RATES).interest == Decimal(
        "0.20"
    )


def test_missing_rate_is_said_with_its_half_year():
    with pytest.raises(MissingRateError) as error:
        late_payment(Decimal("100.00"), date(2019, 9, 1), date(2019, 10, 1), RATES)
    assert error.value.half_year_start == date(2019, 7, 1)


def test_a_half_year_without_its_rate_uses_the_last_known_and_says_so():
    late = late_payment(Decimal("1000.00"), date(2026, 8, 1), date(2026, 8, 31), RATES)
    assert (late.rate_date, late.legal_rate, late.rate_confirmed) == (
        date(2026, 7, 1),
        Decimal("10.15"),
        False,
    )
    assert late_payment(Decimal("1000.00"), date(2025, 2, 1), date(2025, 3, 3), RATES).rate_confirmed


def test_rates_are_taken_from_data_given():
    rates = [(date(2026, 1, 1), "1.90")]
    assert rate_in_force(rates, date(2026, 3, 1)) == (date(2026, 1, 1), Decimal("1.90"))


def test_a_suspension_the_day_the_invoice_arrives_stops_the_clock():
    """Seen in the sandbox: deposited, made available and suspended the same day."""
    day = date(2025, 3, 4)
    history = [(day, "DEPOSEE"), (day, "MISE_A_DISPOSITION"), (day, "SUSPENDUE")]
    clock = payment_clock(30, day, history)
    assert (clock.suspended, clock.due) == (True, None)
    completed = payment_clock(30, day, [*history, (date(2025, 3, 20), "COMPLETEE")])
    assert (completed.suspended, completed.due) == (False, date(2025, 4, 19))
