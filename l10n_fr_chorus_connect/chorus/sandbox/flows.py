"""Deposited flows: read the file, apply the rules, record the outcome to reveal after ``flow_delay``.

The file is judged at deposit time and the verdict stored with ``ready_at``; until then the flow
shows ``IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP`` and its invoices are invisible, as on the
real platform where integration is asynchronous.
"""

from __future__ import annotations

import json

from ..facturx_reader import UnreadableFile, read_invoices
from ..values import SYNTAX_CII_16B, SYNTAX_FACTURX
from . import directory, framework_rules, lifecycle, rules
from .answers import Context

PENDING = "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"
INTEGRATED = "IN_INTEGRE"
PARTIAL = "IN_INTEGRE_PARTIEL"
REJECTED = "IN_REJETE"

# Scenarios of a flow, set per invoice number like the lifecycle ones: the flow of that invoice ends
# in this state, its invoices not integrated, with this technical error (our wording: the real
# messages of these states are not published).
FLOW_END_SCENARIOS = {
    "IN_INCIDENTE": ("ERR_INCIDENT", "Incident lors du traitement du flux. Merci de deposer a nouveau."),
    "QP_IRRECEVABLE": ("ERR_QP_001", "IRRECEVABILITE: le flux ne respecte pas le format attendu."),
    "QP_RECEVABLE_AVEC_ERREUR": ("ERR_QP_002", "Flux recevable avec erreur: demande de paiement non creee."),
    "IN_A_RELANCER": ("ERR_RELANCE", "Le traitement du flux est a relancer. Merci de deposer a nouveau."),
    "IN_ERREUR_INTERNE": ("ERR_INTERNE", "Erreur interne lors du traitement du flux."),
}
# The flow is integrated, but its invoice is neither created nor listed in listeErreurDP: what
# production reports sometimes do (issue 8, "omitted rejection").
OMITTED = "omitted_rejection"
FLOW_SCENARIOS = (*FLOW_END_SCENARIOS, OMITTED)

SYNTAXES = (
    "IN_DP_E1_UBL_INVOICE",
    "IN_DP_E1_CII",
    "IN_DP_E1_PES_FACTURE",
    "IN_DP_E1_XCBL",
    "IN_DP_E2_UBL_INVOICE_MIN",
    "IN_DP_E2_CII_MIN",
    "IN_DP_E2_PES_FACTURE_MIN",
    "IN_DP_E2_CPP_FACTURE_MIN",
    "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG",
    "IN_DP_PDFARCHIVE_CII_MUG",
    "IN_DP_E1_CII_16B",
    "IN_DP_E2_CII_MIN_16B",
    "IN_DP_E2_CII_FACTURX",
)
# What each simulated syntax expects inside the file (or inside each archive member).
EXPECTED_KIND = {SYNTAX_FACTURX: "pdf", SYNTAX_CII_16B: "xml"}
INTERFACES = {SYNTAX_FACTURX: "1117", SYNTAX_CII_16B: "1113"}
FIRST_INVOICE_ID = 3125100
FLOW_SEQUENCE_BASE = 425900


def _technical_error(err: UnreadableFile) -> dict:
    message = (
        err.message
        if not err.member or err.member in err.message
        else f"{err.message} (fichier {err.member})"
    )
    return {"codeErreur": err.code, "libelleErreur": message, "natureErreur": "IRRECEVABILITE"}


def _read(content: bytes, file_name: str, syntax: str, check_xsd: bool):
    if syntax not in EXPECTED_KIND:
        raise UnreadableFile(
            f"La syntaxe de flux {syntax} n'est pas prise en charge par le bac a sable Chorus Pro."
        )
    invoices = read_invoices(content, file_name, check_xsd=check_xsd)
    expected = EXPECTED_KIND[syntax]
    for facts in invoices:
        if facts.source_kind != expected:
            raise UnreadableFile(
                f"Le fichier {facts.source_name or file_name} ne correspond pas a la syntaxe {syntax} "
                f"(attendu : {'PDF Factur-X' if expected == 'pdf' else 'XML CII'}).",
                member=facts.source_name,
            )
    return invoices


def _numbers_taken(db, supplier_siret: str) -> set[str]:
    rows = db.execute("SELECT number FROM invoices WHERE supplier_siret = ?", (supplier_siret,)).fetchall()
    return {row["number"] for row in rows}


def deposit(ctx: Context, content: bytes, file_name: str, syntax: str) -> dict:
    """Record a flow; return its row as a dict. The verdict shows once ``ready_at`` has come."""
    account = ctx.account
    technical, invoice_errors, accepted = [], [], []
    try:
        invoices = _read(content, file_name, syntax, ctx.config.check_xsd)
    except UnreadableFile as err:
        technical.append(_technical_error(err))
        invoices = []
    taken = _numbers_taken(ctx.db, account.structure_siret)
    flow_scenario = _flow_scenario(ctx.db, [facts.number for facts in invoices])
    for facts in invoices:
        errors = rules.check_invoice(facts, account, taken)
        if errors:
            invoice_errors.append(
                {
                    "identifiantFournisseur": facts.seller_siret,
                    "identifiantDestinataire": facts.buyer_siret,
                    "numeroDP": facts.number,
                    "libelleErreurDP": "|".join(errors),
                }
            )
        else:
            accepted.append(facts)
            taken.add(facts.number)
    final = REJECTED if technical or not accepted else PARTIAL if invoice_errors else INTEGRATED
    if flow_scenario in FLOW_END_SCENARIOS:
        code, message = FLOW_END_SCENARIOS[flow_scenario]
        technical.append({"codeErreur": code, "libelleErreur": message, "natureErreur": flow_scenario})
        final, accepted, invoice_errors = flow_scenario, [], []
    elif flow_scenario == OMITTED and accepted:
        final, accepted = (PARTIAL if invoice_errors else INTEGRATED), []
    interface = INTERFACES.get(syntax, "1110")
    ready_at = ctx.now + ctx.flow_delay
    cursor = ctx.db.execute(
        "INSERT INTO flows (supplier_siret, file_name, syntax, interface_code, deposited_at, ready_at,"
        " final_state, invoice_errors, technical_errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account.structure_siret,
            file_name,
            syntax,
            interface,
            ctx.now,
            ready_at,
            final,
            json.dumps(invoice_errors, ensure_ascii=False),
            json.dumps(technical, ensure_ascii=False),
        ),
    )
    flow_id = cursor.lastrowid
    number = f"CPP001{interface}{FLOW_SEQUENCE_BASE + flow_id:015d}"
    ctx.db.execute("UPDATE flows SET number = ? WHERE id = ?", (number, flow_id))
    for facts in accepted:
        _integrate(ctx, flow_id, facts, ready_at)
    return dict(ctx.db.execute("SELECT * FROM flows WHERE id = ?", (flow_id,)).fetchone())


def _flow_scenario(db, numbers: list[str]) -> str | None:
    """The flow scenario set on one of these invoice numbers (consumed), if any."""
    for number in numbers:
        row = db.execute("SELECT scenario FROM scenarios WHERE invoice_number = ?", (number,)).fetchone()
        if row and row["scenario"] in FLOW_SCENARIOS:
            db.execute("DELETE FROM scenarios WHERE invoice_number = ?", (number,))
            return row["scenario"]
    return None


def _pop_scenario(db, number: str) -> str:
    row = db.execute("SELECT scenario FROM scenarios WHERE invoice_number = ?", (number,)).fetchone()
    if row is None:
        return lifecycle.NORMAL
    db.execute("DELETE FROM scenarios WHERE invoice_number = ?", (number,))
    return row["scenario"]


def _integrate(ctx: Context, flow_id: int, facts, integrated_at: float) -> None:
    invoice_id = ctx.db.execute(
        "SELECT COALESCE(MAX(id), ?) + 1 FROM invoices", (FIRST_INVOICE_ID,)
    ).fetchone()[0]
    scenario = _pop_scenario(ctx.db, facts.number)
    entry = framework_rules.framework_of(facts)
    if entry is not None and scenario == lifecycle.NORMAL:
        if entry.moe:
            scenario = lifecycle.WORKS
        elif entry.main_contractor:
            scenario = lifecycle.VALIDATOR
    ctx.db.execute(
        "INSERT INTO invoices (id, flow_id, number, supplier_siret, buyer_siret, service_code, engagement,"
        " market, type_code, issue_date, amount_untaxed, amount_total, amount_due, currency, scenario,"
        " integrated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            invoice_id,
            flow_id,
            facts.number,
            facts.seller_siret,
            facts.buyer_siret,
            facts.service_code,
            facts.engagement,
            facts.market,
            facts.type_code,
            facts.issue_date.isoformat() if facts.issue_date else None,
            str(facts.amount_untaxed) if facts.amount_untaxed is not None else None,
            str(facts.amount_total) if facts.amount_total is not None else None,
            str(facts.amount_due) if facts.amount_due is not None else None,
            facts.currency,
            scenario,
            integrated_at,
        ),
    )
    buyer = directory.structure_by_siret(facts.buyer_siret)
    lifecycle.schedule(
        ctx.db,
        invoice_id,
        scenario,
        integrated_at,
        ctx.step_delay,
        bool(buyer and buyer.payment_status_not_reported),
    )


def find(db, number: str, supplier_siret: str):
    return db.execute(
        "SELECT * FROM flows WHERE number = ? AND supplier_siret = ?", (number or "", supplier_siret)
    ).fetchone()


def state(flow, now: float) -> tuple[str, float]:
    """(current state, time it was reached)."""
    if now < flow["ready_at"]:
        return PENDING, flow["deposited_at"]
    return flow["final_state"], flow["ready_at"]
