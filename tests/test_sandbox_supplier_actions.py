"""The supplier answers a buyer through the client and the sandbox over HTTP: complete a suspended
invoice, recycle one to another service, list what Chorus expects; and the refusals."""

from __future__ import annotations

import facturx_samples as samples
import pytest

from chorus import supplier_actions
from chorus.client import ChorusClient
from chorus.errors import BusinessError
from chorus.sandbox import SandboxConfig, SandboxServer, seed
from chorus.supplier_actions import Attachment

STEP = 5


@pytest.fixture
def chorus():
    with SandboxServer(SandboxConfig(db_path=":memory:", flow_delay=0, step_delay=STEP)) as server:
        client = ChorusClient.for_sandbox(server.url)
        yield server, client
        client.session.close()


def deposit(server, client, number, scenario, **invoice):
    """An invoice of ``scenario`` taken to the buyer's answer; its identifiantFactureCPP."""
    server.control.scenario(number, scenario)
    receipt = client.deposit_flow(samples.build_facturx_pdf(number=number, **invoice), f"{number}.pdf")
    server.control.advance(STEP * 3)
    [item] = client.search_issued_invoices(flow_number=receipt.flow_number)
    return item.chorus_id


def statuses(client, chorus_id):
    return [entry.status for entry in client.invoice_history(chorus_id).entries]


def exercise_supplier_actions(server, client, chorus_id):
    """Every supplier action once (the contract test calls it on its deposited invoice)."""
    client.consult_invoice(chorus_id)
    server.control.set_status(chorus_id, "SUSPENDUE", "Bon de livraison manquant")
    client.invoices_to_act_on()
    file_id = client.add_file(Attachment("bon-livraison.pdf", b"%PDF-1.4 bon", "application/pdf"))
    client.complete_invoice(chorus_id, comment="Bon joint", attachments=[(file_id, "Bon de livraison")])
    server.control.set_status(chorus_id, "A_RECYCLER", "Mauvais service")
    client.recycle_invoice(
        chorus_id,
        buyer_siret=seed.BUYER_HOSPITAL_SIRET,
        service_code=seed.SERVICE_HOSPITAL_PLAIN,
        comment="Vers le bon service",
    )


def test_a_suspended_invoice_is_completed_and_made_available_again(chorus):
    server, client = chorus
    chorus_id = deposit(server, client, "FAC-SUSP", "suspended")
    assert client.consult_invoice(chorus_id).status == "SUSPENDUE"
    [pending] = [item for item in client.invoices_to_act_on() if item.chorus_id == chorus_id]
    assert pending.status == "SUSPENDUE" and pending.number == "FAC-SUSP"
    file_id = client.add_file(Attachment("bon-livraison.pdf", b"%PDF-1.4 bon signe", "application/pdf"))
    receipt = client.complete_invoice(
        chorus_id, comment="Voici le bon signe", attachments=[(file_id, "Bon de livraison signe")]
    )
    assert receipt.chorus_id == chorus_id and receipt.number == "FAC-SUSP" and receipt.at
    assert statuses(client, chorus_id)[-1] == "COMPLETEE"
    history = client.invoice_history(chorus_id).entries
    assert "Voici le bon signe" in history[-1].comment and "Bon de livraison signe" in history[-1].comment
    assert not [item for item in client.invoices_to_act_on() if item.chorus_id == chorus_id]
    server.control.advance(STEP)
    assert statuses(client, chorus_id)[-3:] == ["SUSPENDUE", "COMPLETEE", "MISE_A_DISPOSITION"]
    assert client.consult_invoice(chorus_id).status == "MISE_A_DISPOSITION"


def test_completer_refuses_an_invoice_that_is_not_suspended(chorus):
    server, client = chorus
    chorus_id = deposit(server, client, "FAC-NORM", "normal")
    with pytest.raises(BusinessError) as caught:
        client.complete_invoice(chorus_id, comment="Rien a completer")
    assert caught.value.code == 20010 and "SUSPENDUE" in caught.value.label
    with pytest.raises(BusinessError) as caught:
        client.complete_invoice(999999, comment="?")
    assert caught.value.code == 20001


def test_completer_wants_something_and_an_attachment_once(chorus):
    server, client = chorus
    chorus_id = deposit(server, client, "FAC-SUSP2", "suspended")
    with pytest.raises(BusinessError) as caught:
        client.complete_invoice(chorus_id)
    assert caught.value.code == 20011
    with pytest.raises(BusinessError) as caught:
        client.complete_invoice(chorus_id, attachments=[(424242, "Inconnue")])
    assert caught.value.code == 20011 and "introuvable" in caught.value.label
    file_id = client.add_file(Attachment("pv.pdf", b"%PDF-1.4 pv"))
    client.complete_invoice(chorus_id, attachments=[(file_id, "PV")])
    server.control.set_status(chorus_id, "SUSPENDUE", "Encore un document")
    with pytest.raises(BusinessError) as caught:
        client.complete_invoice(chorus_id, attachments=[(file_id, "PV")])
    assert "deja rattachee" in caught.value.label


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("facture.exe", b"MZ", 20002, "extension"),
        ("sans-extension", b"x", 20002, "pieceJointeExtension"),
        ("x" * 47 + ".pdf", b"x", 20002, "name"),
        ("vide.pdf", b"", 20002, "pieceJointeFichier"),
        ("gros.pdf", b"x" * (supplier_actions.ATTACHMENT_MAX_BYTES + 1), 20003, "10Mo"),
    ],
)
def test_an_attachment_breaking_chorus_rules_is_refused(chorus, name, content, code, words):
    _server, client = chorus
    with pytest.raises(BusinessError) as caught:
        client.add_file(Attachment(name, content))
    assert caught.value.code == code and words in caught.value.label


def test_attachment_rules_read_like_chorus_publishes_them():
    assert supplier_actions.attachment_problems("bon.PDF", 10) == []
    assert supplier_actions.attachment_problems("x" * 46 + ".pdf", 10) == []
    assert supplier_actions.attachment_problems("x" * 47 + ".pdf", 10) == ["name"]
    assert supplier_actions.attachment_problems("a.docx", 10_000_000) == []
    assert supplier_actions.attachment_problems("a.docx", 10_000_001) == ["size"]


def hospital_invoice(server, client, number, scenario="recycle"):
    return deposit(
        server,
        client,
        number,
        scenario,
        buyer_siret=seed.BUYER_HOSPITAL_SIRET,
        service_code=seed.SERVICE_HOSPITAL_PLAIN,
    )


def test_an_invoice_to_recycle_goes_to_another_service_with_its_engagement(chorus):
    server, client = chorus
    chorus_id = hospital_invoice(server, client, "FAC-RECY")
    assert client.consult_invoice(chorus_id).status == "A_RECYCLER"
    receipt = client.recycle_invoice(
        chorus_id,
        service_code=seed.SERVICE_HOSPITAL_ENGAGEMENT,
        engagement=seed.ENGAGEMENT_HOSPITAL,
        comment="Service pharmacie, engagement joint",
    )
    assert receipt.status == "EN_COURS_ACHEMINEMENT"
    held = client.consult_invoice(chorus_id)
    assert (held.service_code, held.engagement) == (
        seed.SERVICE_HOSPITAL_ENGAGEMENT,
        seed.ENGAGEMENT_HOSPITAL,
    )
    server.control.advance(STEP)
    assert statuses(client, chorus_id)[-3:] == ["A_RECYCLER", "EN_COURS_ACHEMINEMENT", "MISE_A_DISPOSITION"]
    [entry] = [e for e in client.invoice_history(chorus_id).entries if e.status == "EN_COURS_ACHEMINEMENT"]
    assert "SERV-TECH -> SERV-PHARMA" in entry.comment
    [item] = client.search_issued_invoices(invoice_number="FAC-RECY")
    assert item.status == "MISE_A_DISPOSITION"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"service_code": seed.SERVICE_HOSPITAL_ENGAGEMENT}, "obligatoire pour le service SERV-PHARMA"),
        ({"service_code": "SERV-INCONNU"}, "n'existe pas"),
        ({"service_code": "FACTURES_PUBLIQUES"}, "intra-sphere"),
        ({"engagement": "EJ-INCONNU"}, "inconnu"),
        (
            {"buyer_siret": seed.BUYER_COMMUNE_SIRET, "service_code": seed.SERVICE_COMMUNE_INACTIVE},
            "n'est pas actif",
        ),
        ({"buyer_siret": seed.BUYER_INACTIVE_SIRET}, "n'est pas active"),
        ({}, "demande un nouveau"),
    ],
)
def test_recycler_refuses_a_route_chorus_would_not_deliver(chorus, change, words):
    server, client = chorus
    chorus_id = hospital_invoice(server, client, "FAC-RECY-KO")
    with pytest.raises(BusinessError) as caught:
        client.recycle_invoice(chorus_id, **change)
    assert caught.value.code in (20012,) and words in caught.value.label, caught.value.label
    assert client.consult_invoice(chorus_id).status == "A_RECYCLER", "nothing moved"


def test_recycler_refuses_an_invoice_that_is_not_to_recycle(chorus):
    server, client = chorus
    chorus_id = hospital_invoice(server, client, "FAC-SUSP-H", "suspended")
    with pytest.raises(BusinessError) as caught:
        client.recycle_invoice(chorus_id, service_code=seed.SERVICE_HOSPITAL_PLAIN)
    assert caught.value.code == 20010 and "A_RECYCLER" in caught.value.label


def test_the_to_do_list_answers_what_is_pending_rejected_on_demand(chorus):
    server, client = chorus
    suspended = deposit(server, client, "FAC-TODO-S", "suspended")
    rejected = deposit(server, client, "FAC-TODO-R", "rejected")
    deposit(server, client, "FAC-TODO-N", "normal")
    found = {item.chorus_id: item.status for item in client.invoices_to_act_on()}
    assert found == {suspended: "SUSPENDUE", rejected: "REJETEE"}
    answer = client._request(supplier_actions.TO_ACT_ON_ROUTE, {"masquerRejetee": True})
    assert [item["identifiantFactureCPP"] for item in answer["listeFactures"]] == [suspended]
