# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""When a public buyer must pay, and what it owes when it pays late. Pure Decimal, no Odoo.

The law (Code de la commande publique, codified on 1 April 2019 from the décret n° 2013-269 of
29 March 2013, « lutte contre les retards de paiement dans les contrats de la commande publique »):

- R.2192-10 / R.2192-11 (décret 2013-269 art. 1): 30 days for the State, its administrative public
  bodies, local authorities and the other contracting authorities; 50 days for public health
  establishments (and the armed forces health service); 60 days for public companies (ordonnance
  2004-503 art. 1 II), local public establishments excepted.
- R.2192-12 (art. 2): the clock starts when the buyer receives the payment request; for invoices
  sent through the public invoicing portal (Chorus Pro), R.2192-13 / R.2392-12-1: the date the buyer
  is notified that the invoice is made available on the portal, i.e. the MISE_A_DISPOSITION status.
- R.2192-27 to R.2192-29 (art. 4): the buyer may suspend the clock ONCE, when pieces or mentions are
  missing or wrong (SUSPENDUE); once the supplier completes the invoice, a NEW period opens: 30 days,
  or what was left at the suspension if that is more than 30 days.
- L.2192-13 and R.2192-31 (art. 7-8): from the day after the deadline, interest runs without any
  formality, at the ECB main refinancing rate in force on the first day of the half-year in which the
  interest STARTED to run, plus 8 points; one rate for the whole delay, even when the delay crosses
  into a half-year with another rate.
- D.2192-35 (art. 9): a flat 40 € recovery indemnity per late invoice.

Interest = amount incl. VAT × rate × days late / 365 (the formula the Ministry's guidance and the
DGFiP simulator use: 365 even in a leap year), rounded to the cent once, at the end.

>>> from datetime import date
>>> history = [(date(2025, 3, 3), "DEPOSEE"), (date(2025, 3, 4), "MISE_A_DISPOSITION")]
>>> clock = payment_clock(DAYS_BY_CATEGORY["state"], date(2025, 3, 3), history)
>>> clock.start, clock.due
(datetime.date(2025, 3, 4), datetime.date(2025, 4, 3))
>>> late_payment(Decimal("1200.00"), clock.due, date(2025, 4, 13), ECB_MAIN_REFINANCING_RATES).interest
Decimal('3.67')
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# R.2192-10 / R.2192-11: days to pay by kind of buyer.
DAYS_BY_CATEGORY = {
    "state": 30,
    "local": 30,
    "public_body": 30,
    "health": 50,
    "public_company": 60,
}
# R.2192-29: the period opened after a suspension is at least this long.
DAYS_AFTER_SUSPENSION = 30
# R.2192-31: points added to the ECB rate.
LEGAL_MARGIN = Decimal("8")
# D.2192-35.
RECOVERY_INDEMNITY = Decimal("40.00")
DAYS_IN_YEAR = Decimal("365")
CENT = Decimal("0.01")

DEPOSITED = "DEPOSEE"
AVAILABLE = "MISE_A_DISPOSITION"
SUSPENDED = "SUSPENDUE"
RECYCLE = "A_RECYCLER"
PAID_OUT = "MISE_EN_PAIEMENT"
# No payment is due on them: the payment request is void.
VOID = frozenset({"REJETEE", "ABANDONNEE", "SUPPRIMEE"})

# ECB main refinancing operations rate in force on 1 January / 1 July (percent), as published by
# the ECB ("Key ECB interest rates", ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates)
# and echoed by the French Ministry (economie.gouv.fr/daj, « taux des intérêts moratoires »):
# 0.00 from 16 March 2016; 0.50 on 27 July 2022, 1.25 on 14 Sept, 2.00 on 2 Nov, 2.50 on 21 Dec
# 2022; 3.00 on 8 Feb 2023, 3.50 on 22 March, 3.75 on 10 May, 4.00 on 21 June, 4.25 on 2 Aug,
# 4.50 on 20 Sept 2023; 4.25 on 12 June 2024 (Le Moniteur: « 12,25 % à partir du 1er juillet
# 2024 »), 3.65 on 18 Sept, 3.40 on 23 Oct, 3.15 on 18 Dec 2024; 2.90 on 5 Feb 2025, 2.65 on
# 12 March, 2.40 on 23 April, 2.15 on 11 June 2025, unchanged on 18 December 2025 (Anadolu Agency
# and Econotimes, 18.12.2025: main refinancing operations 2.15 %), so 2.15 on 1 January 2026.
# Values from 1 July 2026 could not be confirmed here: administrators add them (Invoicing >
# Chorus Pro > ECB rates).
ECB_MAIN_REFINANCING_RATES = (
    (datetime.date(2020, 1, 1), Decimal("0.00")),
    (datetime.date(2020, 7, 1), Decimal("0.00")),
    (datetime.date(2021, 1, 1), Decimal("0.00")),
    (datetime.date(2021, 7, 1), Decimal("0.00")),
    (datetime.date(2022, 1, 1), Decimal("0.00")),
    (datetime.date(2022, 7, 1), Decimal("0.00")),
    (datetime.date(2023, 1, 1), Decimal("2.50")),
    (datetime.date(2023, 7, 1), Decimal("4.00")),
    (datetime.date(2024, 1, 1), Decimal("4.50")),
    (datetime.date(2024, 7, 1), Decimal("4.25")),
    (datetime.date(2025, 1, 1), Decimal("3.15")),
    (datetime.date(2025, 7, 1), Decimal("2.15")),
    (datetime.date(2026, 1, 1), Decimal("2.15")),
)


class MissingRateError(LookupError):
    """No ECB rate is known for the half-year in which the interest started to run."""

    def __init__(self, half_year_start):
        super().__init__(f"No ECB rate in force on {half_year_start.isoformat()}")
        self.half_year_start = half_year_start


@dataclass(frozen=True)
class PaymentClock:
    """Where the legal payment period of one invoice stands."""

    start: datetime.date | None = None
    due: datetime.date | None = None  # « à payer avant le » (included)
    suspended_on: datetime.date | None = None
    resumed_on: datetime.date | None = None

    @property
    def suspended(self):
        """Stopped: suspended by the buyer and not completed yet."""
        return bool(self.suspended_on and not self.resumed_on)


@dataclass(frozen=True)
class LatePayment:
    days_late: int = 0
    legal_rate: Decimal = Decimal("0")  # percent, ECB + 8
    rate_date: datetime.date | None = None  # first day of the half-year the rate belongs to
    rate_confirmed: bool = True  # False: no rate given for that half-year, the last known one is used
    interest: Decimal = Decimal("0.00")
    indemnity: Decimal = Decimal("0.00")


def payment_clock(days, deposited_on, history):
    """The payment period of an invoice of ``days`` days (R.2192-10/11) deposited on ``deposited_on``,
    from its Chorus Pro ``history``: (date, status code) pairs, in any order of days; the statuses of
    one day in the order they happened (a buyer may suspend the day the invoice reaches him)."""
    entries = sorted(((on, code) for on, code in history if on), key=lambda entry: entry[0])
    if any(code in VOID for _on, code in entries):
        return PaymentClock()
    start = _reception(entries) or deposited_on
    if not start:
        return PaymentClock()
    due = start + datetime.timedelta(days=days)
    # R.2192-27: one suspension only, before the deadline; a later one does not stop the clock.
    suspended_at = next(
        (index for index, (on, code) in enumerate(entries) if code == SUSPENDED and start <= on <= due),
        None,
    )
    if suspended_at is None:
        return PaymentClock(start=start, due=due)
    suspension = entries[suspended_at][0]
    # What came after the suspension (not what came before it the same day) resumes the clock.
    resumed = next(
        (on for on, code in entries[suspended_at + 1 :] if code not in (SUSPENDED, AVAILABLE, DEPOSITED)),
        None,
    )
    if not resumed:
        return PaymentClock(start=start, due=None, suspended_on=suspension)
    left = (due - suspension).days
    due = resumed + datetime.timedelta(days=max(DAYS_AFTER_SUSPENSION, left))  # R.2192-29
    return PaymentClock(start=start, due=due, suspended_on=suspension, resumed_on=resumed)


def _reception(entries):
    """The date the buyer got the invoice: its MISE_A_DISPOSITION, the one after the last recycling
    when the supplier had to send it to another service (A_RECYCLER)."""
    recycled = max((on for on, code in entries if code == RECYCLE), default=None)
    return next(
        (on for on, code in entries if code == AVAILABLE and (not recycled or on >= recycled)),
        None,
    )


def paid_out_on(history):
    """The day Chorus Pro reports the payment (MISE_EN_PAIEMENT), or None."""
    return min((on for on, code in history if on and code == PAID_OUT), default=None)


def rate_in_force(rates, on):
    """(first day of the half-year of ``on``, ECB rate in force that day) from ``rates``: (date, rate)
    pairs, each the rate in force from that date on."""
    half_year = datetime.date(on.year, 1 if on.month <= 6 else 7, 1)
    known = [(since, rate) for since, rate in rates if since <= half_year]
    if not known:
        raise MissingRateError(half_year)
    return half_year, Decimal(max(known)[1])


def has_rate_for(rates, half_year):
    """Whether ``rates`` give the rate of ``half_year`` itself (not an older one still in force)."""
    return any(since == half_year for since, _rate in rates)


def late_payment(amount, due, paid_on, rates):
    """What a buyer owes on an invoice of ``amount`` (incl. VAT) due on ``due`` and paid on
    ``paid_on`` (or still unpaid on that day): nothing when paid in time."""
    if not due or not paid_on or paid_on <= due:
        return LatePayment()
    days_late = (paid_on - due).days
    # L.2192-13: interest runs from the day after the deadline; R.2192-31: at the rate of that half-year.
    half_year, ecb_rate = rate_in_force(rates, due + datetime.timedelta(days=1))
    legal_rate = ecb_rate + LEGAL_MARGIN
    interest = Decimal(amount) * legal_rate * days_late / (100 * DAYS_IN_YEAR)
    return LatePayment(
        days_late=days_late,
        legal_rate=legal_rate,
        rate_date=half_year,
        rate_confirmed=has_rate_for(rates, half_year),
        interest=interest.quantize(CENT, rounding=ROUND_HALF_UP),
        indemnity=RECOVERY_INDEMNITY,
    )
