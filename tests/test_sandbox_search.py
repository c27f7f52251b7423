"""``rechercher/fournisseur``: pagination and the filters a connector relies on."""

import datetime

import facturx_samples as samples
import pytest

from chorus.sandbox import seed


@pytest.fixture
def batch_of_25(sandbox, sandbox_session):
    files = {f"f{n:02d}.pdf": samples.build_facturx_pdf(number=f"LOT-{n:02d}") for n in range(25)}
    flow = sandbox_session.deposit(samples.build_tar_gz(files), "factur-x_chorus_lot_factures.tar.gz")
    sandbox.control.advance(2)
    return flow


def test_search_pages_by_ten_by_default(sandbox_session, batch_of_25):
    answer = sandbox_session.search(numeroFluxDepot=batch_of_25)
    assert answer["codeRetour"] == 0
    assert answer["parametresRetour"] == {
        "pageCourante": 1,
        "pages": 3,
        "nbResultatsParPage": 10,
        "total": 25,
    }
    assert len(answer["listeFactures"]) == 10
    seen = []
    for page in (1, 2, 3):
        answer = sandbox_session.search(
            numeroFluxDepot=batch_of_25, rechercheFactureParFournisseur={"pageResultatDemandee": page}
        )
        assert answer["parametresRetour"]["pageCourante"] == page
        seen += [invoice["numeroFacture"] for invoice in answer["listeFactures"]]
    assert sorted(seen) == [f"LOT-{n:02d}" for n in range(25)]
    assert len(set(seen)) == 25


def test_search_honours_page_size_and_sort(sandbox_session, batch_of_25):
    answer = sandbox_session.search(
        numeroFluxDepot=batch_of_25,
        rechercheFactureParFournisseur={
            "nbResultatsParPage": 20,
            "pageResultatDemandee": 2,
            "triColonne": "NumeroFacture",
            "triSens": "Descendant",
        },
    )
    assert answer["parametresRetour"] == {
        "pageCourante": 2,
        "pages": 2,
        "nbResultatsParPage": 20,
        "total": 25,
    }
    assert [invoice["numeroFacture"] for invoice in answer["listeFactures"]] == [
        f"LOT-{n:02d}" for n in range(4, -1, -1)
    ]


def test_page_beyond_the_last_is_empty(sandbox_session, batch_of_25):
    answer = sandbox_session.search(
        numeroFluxDepot=batch_of_25, rechercheFactureParFournisseur={"pageResultatDemandee": 9}
    )
    assert answer["listeFactures"] == []
    assert answer["parametresRetour"]["pages"] == 3


def test_empty_search_is_the_no_result_answer(sandbox_session):
    answer = sandbox_session.search(numeroFacture="NOPE")
    assert answer == {
        "codeRetour": 20000,
        "libelle": "TRA_MSG_00.015 - La recherche n'a retourne aucun resultat.",
    }


def test_empty_search_can_be_an_empty_list():
    from sandbox_api import ChorusSession

    from chorus.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(empty_search="empty_list")) as server:
        session = ChorusSession(server.url)
        answer = session.search(numeroFacture="NOPE")
        session.close()
    assert (answer["codeRetour"], answer["listeFactures"]) == (0, [])
    assert answer["parametresRetour"] == {"pageCourante": 1, "pages": 0, "nbResultatsParPage": 10, "total": 0}


def test_search_item_shape(sandbox, sandbox_session):
    flow = sandbox_session.deposit(
        samples.build_facturx_pdf(
            number="FAC-SHAPE",
            buyer_siret=seed.BUYER_MINISTRY_SIRET,
            service_code="MIN-SERV-03",
            engagement=seed.ENGAGEMENT_MINISTRY,
            market="M-42",
        )
    )
    sandbox.control.advance(2)
    [item] = sandbox_session.invoices(numeroFacture="FAC-SHAPE")
    assert item["numeroFluxDepot"] == flow
    assert item["typeFacture"] == "FACTURE"
    assert item["dateFacture"] == "2026-11-20"
    assert (item["montantHT"], item["montantTTC"], item["montantAPayer"], item["devise"]) == (
        1000.0,
        1200.0,
        1200.0,
        "EUR",
    )
    assert item["codeDestinataire"] == seed.BUYER_MINISTRY_SIRET
    assert item["codeServiceExecutant"] == "MIN-SERV-03"
    assert item["numeroBonCommande"] == seed.ENGAGEMENT_MINISTRY
    assert item["numeroMarche"] == "M-42"
    assert item["codeFournisseur"] == seed.SUPPLIER_SIRET
    assert item["dateHeureEtatCourant"].startswith(item["dateDepot"][:4])
    assert item["commentaireEtatCourant"] == ""


def test_filter_by_number_status_and_type(sandbox, sandbox_session):
    batch = {
        "a.pdf": samples.build_facturx_pdf(number="F-1"),
        "b.pdf": samples.build_facturx_pdf(number="F-2"),
        "c.pdf": samples.build_facturx_pdf(number="AV-1", credit_note=True, payment_means=None),
    }
    sandbox.control.scenario("F-2", "suspended")
    sandbox_session.deposit(samples.build_tar_gz(batch), "lot.tar.gz")
    sandbox.control.advance(2 + 6)
    assert [i["numeroFacture"] for i in sandbox_session.invoices(numeroFacture="F-1")] == ["F-1"]
    suspended = sandbox_session.invoices(statutCourant=["SUSPENDUE"])
    assert [i["numeroFacture"] for i in suspended] == ["F-2"]
    assert sorted(
        i["numeroFacture"] for i in sandbox_session.invoices(statutCourant=["SUSPENDUE", "MANDATEE"])
    ) == [
        "AV-1",
        "F-1",
        "F-2",
    ]
    assert [i["numeroFacture"] for i in sandbox_session.invoices(typeFacture="AVOIR")] == ["AV-1"]


def test_filter_changed_since(sandbox, sandbox_session):
    sandbox.control.scenario("STILL", "suspended")
    batch = {
        "a.pdf": samples.build_facturx_pdf(number="MOVING"),
        "b.pdf": samples.build_facturx_pdf(number="STILL"),
    }
    sandbox_session.deposit(samples.build_tar_gz(batch), "lot.tar.gz")
    sandbox.control.advance(2 + 6)  # both moved: MOVING to MANDATEE, STILL to SUSPENDUE
    mark = sandbox.control.now()["now"]
    sandbox.control.advance(3)  # only MOVING moves (MISE_EN_PAIEMENT)
    changed = sandbox_session.invoices(periodeDateHeureEtatCourantDu=mark)
    assert [i["numeroFacture"] for i in changed] == ["MOVING"]
    assert changed[0]["statut"] == "MISE_EN_PAIEMENT"
    assert len(sandbox_session.invoices(periodeDateHeureEtatCourantAu=mark)) == 1
    day = mark[:10]
    body = {"periodeDateHeureEtatCourantDu": day}
    refused = sandbox_session.post("factures/v1/rechercher/fournisseur", body)
    assert refused.status_code == 400, "a date-time filter takes a date-time (Swagger), not a date"


def test_filter_deposit_period(sandbox, sandbox_session):
    sandbox_session.deposit(samples.build_facturx_pdf(number="OLD"))
    sandbox.control.advance(3 * 86400)
    sandbox_session.deposit(samples.build_facturx_pdf(number="NEW"))
    sandbox.control.advance(2)
    today = datetime.date.fromisoformat(sandbox.control.now()["now"][:10])
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert [i["numeroFacture"] for i in sandbox_session.invoices(periodeDateDepotDu=today.isoformat())] == [
        "NEW"
    ]
    assert [i["numeroFacture"] for i in sandbox_session.invoices(periodeDateDepotAu=yesterday)] == ["OLD"]
    both = sandbox_session.invoices(
        periodeDateDepotDu=(today - datetime.timedelta(days=5)).isoformat(),
        periodeDateDepotAu=today.isoformat(),
    )
    assert len(both) == 2


def test_other_supplier_id_finds_nothing(sandbox, sandbox_session):
    sandbox_session.deposit(samples.build_facturx_pdf(number="MINE"))
    sandbox.control.advance(2)
    assert len(sandbox_session.invoices(idFournisseur=seed.SUPPLIER_STRUCTURE_ID)) == 1
    assert sandbox_session.invoices(idFournisseur=1) == []
