"""The client and the sandbox held to the published Chorus Pro contract (chorus/contract.py)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import requests
from test_sandbox_supplier_actions import exercise_supplier_actions

from chorus import contract
from chorus.client import ChorusClient
from chorus.sandbox import SandboxConfig, SandboxServer, seed

SAMPLE = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect/chorus/samples/facture-demo.pdf"


class RecordingSession(requests.Session):
    """A real session that keeps every Chorus request body and answer it carried."""

    def __init__(self):
        super().__init__()
        self.exchanges = []

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, url, *args, **kwargs)
        if "/cpro/" in url:
            operation = url.split("/cpro/", 1)[1]
            self.exchanges.append((operation, kwargs.get("json"), response))
        return response


@pytest.fixture
def recorded():
    with SandboxServer(SandboxConfig(flow_delay=0, step_delay=1)) as server:
        session = RecordingSession()
        client = ChorusClient.for_sandbox(server.url, session=session, page_size=2)
        yield server, client, session
        session.close()


def _every_call(server, client):
    """Every operation of the client, with every option it has."""
    client.health_check()
    client.vat_rates()
    [supplier] = client.supplier_structures()
    client.bank_accounts(supplier.structure_id)
    client.structure_details(supplier.structure_id)
    ministry = client.find_structure(seed.BUYER_MINISTRY_SIRET)
    client.find_structure("12345678200010")
    services = client.structure_services(ministry.structure_id)
    client.service_details(ministry.structure_id, services[0].service_id)
    client.search_engagements(supplier.structure_id, seed.ENGAGEMENT_MINISTRY)
    client.search_engagements(supplier.structure_id, seed.ENGAGEMENT_MINISTRY, state="COMMANDE")
    client.search_engagements(supplier.structure_id, "EJ-INCONNU")
    receipt = client.deposit_flow(SAMPLE.read_bytes(), SAMPLE.name)
    server.control.advance(30)
    client.flow_report(receipt.flow_number)
    today = datetime.date.today()
    [item] = client.search_issued_invoices(
        flow_number=receipt.flow_number,
        invoice_number=None,
        statuses=["MISE_EN_PAIEMENT", "MANDATEE", "DEPOSEE", "MISE_A_DISPOSITION"],
        changed_since=datetime.datetime.utcnow() - datetime.timedelta(days=1),
        deposited_from=today - datetime.timedelta(days=1),
        deposited_to=today + datetime.timedelta(days=1),
        invoice_type="FACTURE",
    )
    client.search_issued_invoices(invoice_number="NOPE")
    client.invoice_history(item.chorus_id)
    exercise_supplier_actions(server, client, item.chorus_id)


def test_every_request_of_the_client_and_every_sandbox_answer_follow_the_contract(recorded):
    server, client, session = recorded
    _every_call(server, client)
    operations = {operation for operation, _body, _response in session.exchanges}
    assert operations == set(contract.OPERATIONS), "every operation of the contract is exercised"
    for operation, body, response in session.exchanges:
        assert contract.request_problems(operation, body or {}) == [], (operation, body)
        assert response.status_code == 200, (operation, response.text)
        assert contract.response_problems(operation, response.json()) == [], (operation, response.text)


@pytest.mark.parametrize(
    ("operation", "body", "problem"),
    [
        (
            "transverses/v1/recuperer/structures/actives/fournisseur",
            {"parametres": {"nbResultatsParPage": 100, "pageResultatDemandee": 1}},
            "parametres: undocumented key",
        ),
        (
            "transverses/v1/recuperer/coordbanc/valides",
            {"idStructure": 1, "parametres": {"nbResultatsParPage": 100}},
            "parametres: undocumented key",
        ),
        (
            "engagementsJuridiques/v1/rechercher",
            {"numeroEngagementJuridique": "X", "parametres": {"pageResultatDemandee": 1}},
            "parametres: undocumented key",
        ),
        ("structures/v1/consulter", {"idStructure": 1}, "idStructure: undocumented key"),
        (
            "factures/v1/rechercher/fournisseur",
            {"periodeDateDepotDu": "2024-05-17T00:00:00+02:00"},
            "is not a date",
        ),
        (
            "factures/v1/rechercher/fournisseur",
            {"periodeDateHeureEtatCourantDu": "2024-05-17"},
            "is not a date-time",
        ),
    ],
)
def test_requests_the_old_client_sent_break_the_contract(operation, body, problem):
    problems = contract.request_problems(operation, body)
    assert any(problem in found for found in problems), problems


def test_sandbox_refuses_an_undocumented_key_like_the_real_api(sandbox_session):
    answer = sandbox_session.post(
        "transverses/v1/recuperer/coordbanc/valides",
        {"idStructure": seed.SUPPLIER_STRUCTURE_ID, "parametres": {"nbResultatsParPage": 10}},
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"codeRetour", "libelle"}
    assert "parametres" in answer.json()["libelle"]


def test_answers_are_checked_key_by_key():
    answer = {"codeRetour": 0, "libelle": "TRA_MSG_00.000", "listeCoordonneeBancaire": [{"iban": "FR76"}]}
    assert contract.response_problems("transverses/v1/recuperer/coordbanc/valides", answer) == [
        "listeCoordonneeBancaire.iban: undocumented key"
    ]
    assert json.dumps(contract.OPERATIONS)  # plain data, nothing callable
