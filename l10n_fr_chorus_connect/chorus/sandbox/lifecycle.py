"""Invoice lifecycles: the status timeline an accepted invoice follows, planned at integration.

The whole automatic timeline is written when the flow is integrated, each status with its future
time (integration + n × ``step_delay``); a query shows the statuses whose time has come, so nothing
runs in the background and advancing the sandbox clock moves every invoice at once. A buyer action
from ``/_sandbox/invoices/status`` cancels the automatic statuses not yet reached.

Scenarios (chosen per invoice number through ``/_sandbox/scenario`` before the deposit):

* ``normal``: DEPOSEE → MISE_A_DISPOSITION → MANDATEE → MISE_EN_PAIEMENT (stops at MANDATEE for a
  buyer whose ``statutMiseEnPaiementNestPasRemonte`` is set).
* ``suspended``: DEPOSEE → MISE_A_DISPOSITION → SUSPENDUE (buyer comment), then waits.
* ``recycle``: DEPOSEE → MISE_A_DISPOSITION → A_RECYCLER (buyer comment), then waits.
* ``rejected``: DEPOSEE → MISE_A_DISPOSITION → REJETEE (buyer comment), final.
* ``helios``: DEPOSEE → MISE_A_DISPOSITION → MISE_EN_PAIEMENT → MANDATEE → MISE_EN_PAIEMENT: the
  out-of-order sequence Chorus documents for buyers keeping their books in Hélios when the
  ordonnateur changes the status after the accountant paid (a connector must not assume a
  monotonic order, nor stop at the first MISE_EN_PAIEMENT). Played for every buyer, even one whose
  MISE_EN_PAIEMENT is normally not reported.

Works drafts (frameworks whose rules name a project manager, :mod:`chorus.frameworks`) go to the
maîtrise d'œuvre first (statuses of the Swagger enum; their order is inferred, no public timeline):

* ``works`` (automatic for those frameworks): DEPOSEE → MISE_A_DISPOSITION_MOE → PRISE_EN_COMPTE_MOE
  → TRANSMISE_MOA → MISE_A_DISPOSITION_MOA → MANDATEE → MISE_EN_PAIEMENT.
* ``moe_refused``: DEPOSEE → MISE_A_DISPOSITION_MOE → REFUSEE_MOE (MOE comment), then waits.

Subcontractor and co-contractor invoices (A9, A12) are validated by the main contractor first: the
validator statuses come before DEPOSEE in Chorus's own list per payment request type
(``recuperer/etat/typedp`` for FACTURE: BROUILLON, A_VALIDER_1, …, VALIDEE_1, …, DEPOSEE):

* ``validator`` (automatic for those frameworks): A_VALIDER_1 → VALIDEE_1 → DEPOSEE →
  MISE_A_DISPOSITION → MANDATEE → MISE_EN_PAIEMENT.
* ``validator_refused``: A_VALIDER_1 → REFUSEE_1 (main contractor's comment), then waits.

Flow scenarios (:data:`.flows.FLOW_SCENARIOS`, same control call) end the invoice's flow instead:
in ``IN_INCIDENTE``, ``QP_IRRECEVABLE``, ``QP_RECEVABLE_AVEC_ERREUR``, ``IN_A_RELANCER`` or
``IN_ERREUR_INTERNE`` (nothing integrated), or ``omitted_rejection`` (``IN_INTEGRE`` without the
invoice and without an error for it).
"""

from __future__ import annotations

DEPOSEE = "DEPOSEE"
MISE_A_DISPOSITION = "MISE_A_DISPOSITION"
MANDATEE = "MANDATEE"
MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT"
SUSPENDUE = "SUSPENDUE"
A_RECYCLER = "A_RECYCLER"
REJETEE = "REJETEE"

NORMAL = "normal"
WORKS = "works"
MOE_REFUSED = "moe_refused"
VALIDATOR = "validator"
VALIDATOR_REFUSED = "validator_refused"
SCENARIOS = ("normal", "suspended", "recycle", "rejected", "helios")
SCENARIOS += (WORKS, MOE_REFUSED, VALIDATOR, VALIDATOR_REFUSED)

# Statuses a buyer (or the platform) may set through the control API.
BUYER_STATUSES = (
    DEPOSEE,
    "EN_COURS_ACHEMINEMENT",
    MISE_A_DISPOSITION,
    "PRISE_EN_COMPTE_DESTINATAIRE",
    SUSPENDUE,
    "COMPLETEE",
    A_RECYCLER,
    REJETEE,
    "SERVICE_FAIT",
    MANDATEE,
    "MISE_A_DISPOSITION_COMPTABLE",
    "COMPTABILISEE",
    MISE_EN_PAIEMENT,
)

BUYER_COMMENTS = {
    SUSPENDUE: "Facture suspendue : le bon de livraison signe est manquant. Merci de completer la facture.",
    A_RECYCLER: "Facture a recycler : le code service indique n'est pas le bon service executant.",
    REJETEE: "Facture rejetee : le montant ne correspond pas au bon de commande.",
    "REFUSEE_1": "Facture refusee par le titulaire : les prestations ne figurent pas a l'acte special "
    "de sous-traitance.",
    "REFUSEE_MOE": "Projet de decompte refuse : les quantites ne correspondent pas a l'avancement constate.",
}


def plan(scenario: str, payment_not_reported: bool) -> list[tuple[str, int, str]]:
    """``(status, step index, comment)`` of the automatic timeline of ``scenario``."""
    if scenario in _FRAMEWORK_PLANS:
        return _FRAMEWORK_PLANS[scenario](scenario, payment_not_reported)
    start = [(DEPOSEE, 0, ""), (MISE_A_DISPOSITION, 1, "")]
    if scenario == "suspended":
        return [*start, (SUSPENDUE, 2, BUYER_COMMENTS[SUSPENDUE])]
    if scenario == "recycle":
        return [*start, (A_RECYCLER, 2, BUYER_COMMENTS[A_RECYCLER])]
    if scenario == "rejected":
        return [*start, (REJETEE, 2, BUYER_COMMENTS[REJETEE])]
    if scenario == "helios":
        return [*start, (MISE_EN_PAIEMENT, 2, ""), (MANDATEE, 3, ""), (MISE_EN_PAIEMENT, 4, "")]
    timeline = [*start, (MANDATEE, 2, "")]
    if not payment_not_reported:
        timeline.append((MISE_EN_PAIEMENT, 3, ""))
    return timeline


def _works_plan(scenario: str, payment_not_reported: bool) -> list[tuple[str, int, str]]:
    start = [(DEPOSEE, 0, ""), ("MISE_A_DISPOSITION_MOE", 1, "")]
    if scenario == MOE_REFUSED:
        return [*start, ("REFUSEE_MOE", 2, BUYER_COMMENTS["REFUSEE_MOE"])]
    timeline = [
        *start,
        ("PRISE_EN_COMPTE_MOE", 2, ""),
        ("TRANSMISE_MOA", 3, ""),
        ("MISE_A_DISPOSITION_MOA", 4, ""),
        (MANDATEE, 5, ""),
    ]
    if not payment_not_reported:
        timeline.append((MISE_EN_PAIEMENT, 6, ""))
    return timeline


def _validator_plan(scenario: str, payment_not_reported: bool) -> list[tuple[str, int, str]]:
    if scenario == VALIDATOR_REFUSED:
        return [("A_VALIDER_1", 0, ""), ("REFUSEE_1", 1, BUYER_COMMENTS["REFUSEE_1"])]
    validated = [("A_VALIDER_1", 0, ""), ("VALIDEE_1", 1, "")]
    return validated + [
        (status, step + 2, comment) for status, step, comment in plan(NORMAL, payment_not_reported)
    ]


_FRAMEWORK_PLANS = {
    WORKS: _works_plan,
    MOE_REFUSED: _works_plan,
    VALIDATOR: _validator_plan,
    VALIDATOR_REFUSED: _validator_plan,
}


def schedule(db, invoice_id: int, scenario: str, start: float, step_delay: float, payment_not_reported: bool):
    for status, step, comment in plan(scenario, payment_not_reported):
        db.execute(
            "INSERT INTO invoice_events (invoice_id, status, at, comment, author) VALUES (?, ?, ?, ?, ?)",
            (invoice_id, status, start + step * step_delay, comment, "" if step < 2 else "buyer"),
        )


def act(db, invoice_id: int, integrated_at: float, now: float, status: str, comment: str) -> float:
    """The buyer sets ``status`` now (or at integration if the flow is not integrated yet)."""
    at = max(now, integrated_at)
    db.execute("DELETE FROM invoice_events WHERE invoice_id = ? AND at > ?", (invoice_id, at))
    db.execute(
        "INSERT INTO invoice_events (invoice_id, status, at, comment, author) VALUES (?, ?, ?, ?, 'buyer')",
        (invoice_id, status, at, comment or ""),
    )
    return at


def events(db, invoice_id: int, now: float) -> list:
    return db.execute(
        "SELECT id, status, at, comment, author FROM invoice_events "
        "WHERE invoice_id = ? AND at <= ? ORDER BY at, id",
        (invoice_id, now),
    ).fetchall()


def current(db, invoice_id: int, now: float):
    return db.execute(
        "SELECT id, status, at, comment FROM invoice_events WHERE invoice_id = ? AND at <= ? "
        "ORDER BY at DESC, id DESC LIMIT 1",
        (invoice_id, now),
    ).fetchone()
