"""Invoice lifecycles on the sandbox clock, buyer scenarios and immediate buyer actions."""

import re

import facturx_samples as samples
import pytest

from chorus.sandbox import seed


@pytest.fixture
def deposit_one(sandbox, sandbox_session):
    """Deposit one accepted invoice, integrate its flow, return its identifiantFactureCPP."""

    def run(number="FAC-LIFE", scenario=None, **invoice):
        if scenario:
            sandbox.control.scenario(number, scenario)
        flow = sandbox_session.deposit(samples.build_facturx_pdf(number=number, **invoice))
        sandbox.control.advance(2)
        [found] = sandbox_session.invoices(numeroFluxDepot=flow)
        return found["identifiantFactureCPP"]

    return run


def statuses(sandbox_session, chorus_id):
    """Oldest first, although Chorus answers newest first by default."""
    history = sandbox_session.history(chorus_id)
    return [entry["histoStatutCode"] for entry in history["historiquesDesStatuts"]["histoStatut"]][::-1]


def walk(sandbox, sandbox_session, chorus_id, steps):
    seen = []
    for _ in range(steps):
        seen.append(sandbox_session.history(chorus_id)["statutCourantCode"])
        sandbox.control.advance(3)
    return seen


def test_normal_lifecycle_walks_to_payment_one_step_per_delay(sandbox, sandbox_session, deposit_one):
    chorus_id = deposit_one()
    assert walk(sandbox, sandbox_session, chorus_id, 5) == [
        "DEPOSEE",
        "MISE_A_DISPOSITION",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
        "MISE_EN_PAIEMENT",
    ]
    history = sandbox_session.history(chorus_id)
    assert history["codeRetour"] == 0
    assert history["idFacture"] == chorus_id
    assert history["numeroFacture"] == "FAC-LIFE"
    entries = history["historiquesDesStatuts"]["histoStatut"]
    assert [entry["histoStatutCode"] for entry in entries] == [
        "MISE_EN_PAIEMENT",
        "MANDATEE",
        "MISE_A_DISPOSITION",
        "DEPOSEE",
    ], "newest first, the real default"
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", entry["histoStatutDatePassage"]) for entry in entries
    )
    assert all(isinstance(entry["histoStatutId"], int) for entry in entries)
    assert history["historiquesDesStatuts"]["totalHistoStatut"] == 4


def test_buyer_not_reporting_payment_stops_at_mandatee(sandbox, sandbox_session, deposit_one):
    chorus_id = deposit_one(buyer_siret=seed.BUYER_SCHOOL_SIRET)
    sandbox.control.advance(60)
    assert statuses(sandbox_session, chorus_id) == ["DEPOSEE", "MISE_A_DISPOSITION", "MANDATEE"]


@pytest.mark.parametrize(
    "scenario, final, comment",
    [
        ("suspended", "SUSPENDUE", "bon de livraison"),
        ("recycle", "A_RECYCLER", "code service"),
        ("rejected", "REJETEE", "rejetee"),
    ],
)
def test_buyer_scenarios_end_with_a_comment(sandbox, sandbox_session, deposit_one, scenario, final, comment):
    chorus_id = deposit_one(number=f"FAC-{scenario}", scenario=scenario)
    sandbox.control.advance(60)
    assert statuses(sandbox_session, chorus_id) == ["DEPOSEE", "MISE_A_DISPOSITION", final]
    last = sandbox_session.history(chorus_id)["historiquesDesStatuts"]["histoStatut"][0]
    assert comment in last["histoStatutCommentaire"]
    [listed] = sandbox_session.invoices(numeroFacture=f"FAC-{scenario}")
    assert listed["statut"] == final
    assert comment in listed["commentaireEtatCourant"]


def test_helios_scenario_goes_out_of_order(sandbox, sandbox_session, deposit_one):
    chorus_id = deposit_one(number="FAC-HELIOS", scenario="helios")
    sandbox.control.advance(60)
    assert statuses(sandbox_session, chorus_id) == [
        "DEPOSEE",
        "MISE_A_DISPOSITION",
        "MISE_EN_PAIEMENT",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    ]


def test_scenario_applies_to_the_next_deposit_only(sandbox, sandbox_session, deposit_one):
    first = deposit_one(number="FAC-ONCE", scenario="rejected")
    sandbox.control.advance(60)
    assert statuses(sandbox_session, first)[-1] == "REJETEE"
    second = deposit_one(number="FAC-ONCE-2")
    sandbox.control.advance(60)
    assert statuses(sandbox_session, second)[-1] == "MISE_EN_PAIEMENT"


def test_unknown_scenario_is_refused(sandbox):
    with pytest.raises(Exception, match="scenario must be one of"):
        sandbox.control.scenario("FAC-X", "lost")


def test_buyer_acts_at_once_and_stops_the_automatic_walk(sandbox, sandbox_session, deposit_one):
    chorus_id = deposit_one(number="FAC-NOW")
    answer = sandbox.control.set_status(chorus_id, "SUSPENDUE", "Merci de joindre le PV de reception.")
    assert answer["status"] == "SUSPENDUE"
    history = sandbox_session.history(chorus_id)
    assert history["statutCourantCode"] == "SUSPENDUE"
    assert history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCommentaire"] == (
        "Merci de joindre le PV de reception."
    )
    sandbox.control.advance(60)
    assert statuses(sandbox_session, chorus_id) == ["DEPOSEE", "SUSPENDUE"]
    sandbox.control.set_status(chorus_id, "MANDATEE")
    sandbox.control.set_status(chorus_id, "MISE_EN_PAIEMENT")
    assert statuses(sandbox_session, chorus_id) == ["DEPOSEE", "SUSPENDUE", "MANDATEE", "MISE_EN_PAIEMENT"]


def test_buyer_action_before_integration_happens_at_integration(sandbox, sandbox_session):
    flow = sandbox_session.deposit(samples.build_facturx_pdf(number="FAC-EARLY"))
    sandbox.control.set_status(invoice_number="FAC-EARLY", status="REJETEE", comment="Doublon")
    assert sandbox_session.invoices(numeroFluxDepot=flow) == []
    sandbox.control.advance(2)
    [listed] = sandbox_session.invoices(numeroFluxDepot=flow)
    assert listed["statut"] == "REJETEE"
    assert statuses(sandbox_session, listed["identifiantFactureCPP"]) == ["DEPOSEE", "REJETEE"]


def test_buyer_action_on_unknown_invoice_or_status_is_refused(sandbox, deposit_one):
    with pytest.raises(Exception, match="404"):
        sandbox.control.set_status(999, "MANDATEE")
    chorus_id = deposit_one(number="FAC-BAD-STATUS")
    with pytest.raises(Exception, match="status must be one of"):
        sandbox.control.set_status(chorus_id, "PAYEE")


def test_history_of_unknown_invoice_is_a_business_error(sandbox_session):
    answer = sandbox_session.history(123)
    assert answer["codeRetour"] != 0
    assert "introuvable" in answer["libelle"]


def test_history_is_paginated(sandbox, sandbox_session, deposit_one):
    chorus_id = deposit_one()
    sandbox.control.advance(60)
    page = sandbox_session.history(
        chorus_id,
        paramRechercheHistoStatuts={
            "pageResultatDemandeeListeHistoStatut": 2,
            "nbResultatsParPageListeHistoStatut": 3,
        },
    )["historiquesDesStatuts"]
    assert [entry["histoStatutCode"] for entry in page["histoStatut"]] == ["DEPOSEE"]
    assert (page["pageCouranteHistoStatut"], page["pagesHistoStatut"]) == (2, 2)
    assert (page["nbResultatsParPageHistoStatut"], page["totalHistoStatut"]) == (3, 4)
    oldest_first = sandbox_session.history(
        chorus_id, paramRechercheHistoStatuts={"triSensListeHistoStatut": "Ascendant"}
    )
    assert oldest_first["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCode"] == "DEPOSEE"


def test_step_delay_is_configurable(sandbox, sandbox_session, deposit_one):
    sandbox.control.configure(step_delay=100)
    chorus_id = deposit_one(number="FAC-SLOW")
    sandbox.control.advance(99)
    assert sandbox_session.history(chorus_id)["statutCourantCode"] == "DEPOSEE"
    sandbox.control.advance(1)
    assert sandbox_session.history(chorus_id)["statutCourantCode"] == "MISE_A_DISPOSITION"


def test_the_clock_only_moves_forward(sandbox):
    with pytest.raises(Exception, match="forward"):
        sandbox.control.advance(-5)
