"""Billing frameworks (BT-23) through the sandbox over HTTP: each framework's rules, the MOE walk."""

import facturx_samples as samples
import pytest

from chorus import en16931, frameworks
from chorus.facturx_reader import parse_cii
from chorus.sandbox import seed

MAIN = (seed.MAIN_CONTRACTOR_SIRET, "")
MOE = (seed.MOE_SIRET, seed.SERVICE_MOE)


@pytest.fixture
def deposit(sandbox, sandbox_session):
    """Deposit one Factur-X, let the flow integrate; (flow state, libelleErreurDP or None, Chorus id)."""

    def run(**invoice):
        invoice.setdefault("number", "FAC-CADRE")
        flow = sandbox_session.deposit(samples.build_facturx_pdf(**invoice))
        sandbox.control.advance(2)
        report = sandbox_session.report(flow)
        errors = report.get("listeErreurDP", [])
        found = sandbox_session.invoices(numeroFluxDepot=flow) if not errors else []
        return (
            report["etatCourantDepotFlux"],
            errors[0]["libelleErreurDP"] if errors else None,
            found[0]["identifiantFactureCPP"] if found else None,
        )

    return run


ACCEPTED = {
    "A1 without BT-23": {},
    "A1": {"framework": "A1"},
    "A1 credit note": {"framework": "A1", "credit_note": True, "payment_means": None},
    "A2 paid": {"framework": "A2", "paid": True},
    "A9 with its main contractor": {"framework": "A9", "main_contractor": MAIN},
    "A12 with its lead contractor": {"framework": "A12", "main_contractor": MAIN},
    "A4 with its MOE": {"framework": "A4", "moe": MOE},
    "A7 with its MOE": {"framework": "A7", "moe": MOE},
    "A8 with its MOE": {"framework": "A8", "moe": MOE},
    "A10 with both": {"framework": "A10", "main_contractor": MAIN, "moe": MOE},
    "A13 with both": {"framework": "A13", "main_contractor": MAIN, "moe": MOE},
    "A14 with both": {"framework": "A14", "main_contractor": MAIN, "moe": MOE},
}


@pytest.mark.parametrize("invoice", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_framework_with_its_parties_is_integrated(deposit, invoice):
    state, error, chorus_id = deposit(**invoice)
    assert (state, error) == ("IN_INTEGRE", None)
    assert chorus_id


REJECTED = {
    "unknown framework": ({"framework": "A99"}, "Le cadre de facturation A99"),
    "A2 not paid": ({"framework": "A2"}, "doit etre egal a 0 pour le cadre de facturation A2_FACTURE"),
    "A9 without main contractor": (
        {"framework": "A9"},
        "Le valideur (titulaire du marche) est obligatoire pour le cadre de facturation "
        "A9_FACTURE_SOUSTRAITANT",
    ),
    "A12 with an unknown main contractor": (
        {"framework": "A12", "main_contractor": ("12345678200010", "")},
        "Le valideur 12345678200010",
    ),
    "A9 with an invalid SIRET": ({"framework": "A9", "main_contractor": ("123", "")}, "pas un SIRET valide"),
    "A4 without MOE": ({"framework": "A4"}, "La maitrise d'oeuvre est obligatoire"),
    "A4 without MOE service": (
        {"framework": "A4", "moe": (seed.MOE_SIRET, "")},
        "Le code service de la maitrise d'oeuvre est obligatoire",
    ),
    "A4 with an unknown MOE service": (
        {"framework": "A4", "moe": (seed.MOE_SIRET, "NOPE")},
        "Le code service NOPE",
    ),
    "A10 without main contractor": ({"framework": "A10", "moe": MOE}, "Le valideur (titulaire du marche)"),
    "A4 credit note": (
        {"framework": "A4", "moe": MOE, "credit_note": True, "payment_means": None},
        "n'est pas autorise pour le cadre de facturation A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
    ),
}


@pytest.mark.parametrize(("invoice", "message"), REJECTED.values(), ids=REJECTED.keys())
def test_framework_missing_its_rule_is_rejected(deposit, invoice, message):
    state, error, _chorus_id = deposit(**invoice)
    assert state == "IN_REJETE"
    assert message in error


def test_works_draft_goes_through_the_moe_to_the_public_owner(sandbox, sandbox_session, deposit):
    _state, _error, chorus_id = deposit(framework="A4", moe=MOE, number="DEC-2026-01")
    seen = []
    for _ in range(7):
        seen.append(sandbox_session.history(chorus_id)["statutCourantCode"])
        sandbox.control.advance(3)
    assert seen == [
        "DEPOSEE",
        "MISE_A_DISPOSITION_MOE",
        "PRISE_EN_COMPTE_MOE",
        "TRANSMISE_MOA",
        "MISE_A_DISPOSITION_MOA",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    ]


def test_moe_refuses_a_works_draft_with_a_comment(sandbox, sandbox_session, deposit):
    sandbox.control.scenario("DEC-2026-02", "moe_refused")
    _state, _error, chorus_id = deposit(framework="A4", moe=MOE, number="DEC-2026-02")
    sandbox.control.advance(6)
    last = sandbox_session.history(chorus_id)["historiquesDesStatuts"]["histoStatut"][0]
    assert last["histoStatutCode"] == "REFUSEE_MOE"
    assert "Projet de decompte refuse" in last["histoStatutCommentaire"]


def test_subcontractor_invoice_is_validated_by_the_main_contractor_first(sandbox, sandbox_session, deposit):
    _state, _error, chorus_id = deposit(framework="A9", main_contractor=MAIN, number="ST-2026-01")
    seen = []
    for _ in range(4):
        seen.append(sandbox_session.history(chorus_id)["statutCourantCode"])
        sandbox.control.advance(3)
    assert seen == ["A_VALIDER_1", "VALIDEE_1", "DEPOSEE", "MISE_A_DISPOSITION"]


def test_main_contractor_refuses_a_subcontractor_invoice_with_a_comment(sandbox, sandbox_session, deposit):
    sandbox.control.scenario("ST-2026-02", "validator_refused")
    _state, _error, chorus_id = deposit(framework="A12", main_contractor=MAIN, number="ST-2026-02")
    sandbox.control.advance(3)
    last = sandbox_session.history(chorus_id)["historiquesDesStatuts"]["histoStatut"][0]
    assert last["histoStatutCode"] == "REFUSEE_1"
    assert "refusee par le titulaire" in last["histoStatutCommentaire"]


@pytest.mark.parametrize("short", ["A9", "A4"])
def test_framework_and_parties_pass_xsd_and_schematron(short):
    pytest.importorskip("saxonche")
    xml = samples.build_cii_xml(framework=short, main_contractor=MAIN, moe=MOE)
    facts = parse_cii(xml)  # XSD of the declared EN 16931 level
    assert (facts.framework, facts.main_contractor_siret, facts.moe_service) == (
        short,
        seed.MAIN_CONTRACTOR_SIRET,
        seed.SERVICE_MOE,
    )
    checker = en16931.Schematron()
    try:
        assert checker.errors(xml) == []
    finally:
        checker.close()


def test_every_framework_has_its_chorus_code_and_a_documented_flow_syntax():
    from chorus.values import SYNTAX_FACTURX

    for entry in frameworks.FRAMEWORKS:
        assert entry.code.startswith(entry.short + "_")
        assert entry.syntax == SYNTAX_FACTURX
        assert frameworks.framework(entry.code) is frameworks.framework(entry.short) is entry
        assert entry.flow_family == ("E5" if entry.works else "E2")
