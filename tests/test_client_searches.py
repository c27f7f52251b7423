"""Searches against a server that pages badly, finds nothing, or answers newest first."""

from __future__ import annotations

import pytest
from facturx_samples import build_facturx_pdf

from chorus import parsing
from chorus.client import ChorusClient
from chorus.sandbox import seed

SEARCH = "factures/v1/rechercher/fournisseur"
SERVICES = "structures/v1/rechercher/services"
HISTORY = "factures/v1/consulter/historique"


@pytest.fixture
def client(sandbox):
    return ChorusClient.for_sandbox(sandbox.url, timeout=10, page_size=4)


@pytest.fixture
def five_invoices(client, sandbox):
    for n in range(5):
        client.deposit_flow(build_facturx_pdf(number=f"PAGE-{n}"), f"page-{n}.pdf")
    sandbox.control.advance(30)


def ministry_id(client):
    return client.find_structure(seed.BUYER_MINISTRY_SIRET).structure_id


def test_a_server_capping_the_page_size_is_read_to_the_end(client, sandbox, five_invoices):
    sandbox.control.fault("page_cap", SEARCH, times=10, size=1)
    found = client.search_issued_invoices()
    assert sorted(item.number for item in found) == [f"PAGE-{n}" for n in range(5)]
    assert client.calls[SEARCH] == 5


def test_a_page_answered_twice_gives_no_duplicate_and_no_endless_loop(client, sandbox, five_invoices):
    sandbox.control.fault("page_repeat", SEARCH, times=0)  # every page answers page 1
    found = client.search_issued_invoices()
    assert len(found) == len({item.chorus_id for item in found}) == 4
    assert client.calls[SEARCH] == 2, "the repeated page brought nothing new: stop"


def test_services_are_not_duplicated_when_page_one_comes_back_twice(client, sandbox):
    ministry = ministry_id(client)
    sandbox.control.fault("page_repeat", SERVICES, times=2)
    # Page 1, then page 2 answered as page 1 (what made the services sync duplicate), then page 3.
    services = client.structure_services(ministry)
    assert len(services) == len({service.service_id for service in services}) == 30 - 4
    assert client.calls[SERVICES] <= 9, "to the last page announced, one more while short of the total"


def test_services_beyond_a_capped_page_size(sandbox):
    client = ChorusClient.for_sandbox(sandbox.url, page_size=1000)
    services = client.structure_services(ministry_id(client))
    assert len(services) == 30, "10 a page whatever was asked, like the real answer OCA recorded"
    assert client.calls[SERVICES] == 3


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.search_issued_invoices(invoice_number="NOPE"),
        lambda client: client.search_engagements(seed.SUPPLIER_STRUCTURE_ID, "EJ-NOPE"),
        lambda client: [found for found in [client.find_structure("12345678200010")] if found],
    ],
)
def test_the_no_result_answer_is_an_empty_list(client, call):
    assert call(client) == []


def test_no_result_on_the_bank_accounts_is_an_empty_list(client, sandbox):
    sandbox.control.fault(
        "business_error_400",
        "transverses/v1/recuperer/coordbanc/valides",
        code=20000,
        libelle="TRA_MSG_00.015 - La recherche n'a retourne aucun resultat.",
    )
    assert client.bank_accounts(seed.SUPPLIER_STRUCTURE_ID) == []


def test_history_answered_newest_first_is_read_oldest_first(client, sandbox):
    receipt = client.deposit_flow(build_facturx_pdf(number="HISTO"), "histo.pdf")
    sandbox.control.advance(3600)
    [item] = client.search_issued_invoices(flow_number=receipt.flow_number)
    history = client.invoice_history(item.chorus_id)
    assert [entry.status for entry in history.entries] == [
        "DEPOSEE",
        "MISE_A_DISPOSITION",
        "MANDATEE",
        "MISE_EN_PAIEMENT",
    ]
    assert history.current_status == "MISE_EN_PAIEMENT"
    assert client.calls[HISTORY] == 1


def test_the_gcu_success_label_is_not_a_message():
    report = parsing.flow_report(
        {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "etatCourantDepotFlux": "IN_INTEGRE"}
    )
    assert report.message == ""
