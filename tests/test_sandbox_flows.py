"""Deposits: flow numbers, the integration clock, technical rejections, batches."""

import re

import facturx_samples as samples
import pytest

from chorus.sandbox import seed
from chorus.values import SYNTAX_CII_16B, SYNTAX_FACTURX

PENDING = "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"


def test_deposit_answers_a_flow_number_then_integrates_after_flow_delay(sandbox, sandbox_session):
    answer = sandbox_session.deposit_answer(samples.build_facturx_pdf(number="FAC-1"), "factur-x_FAC-1.pdf")
    assert answer["codeRetour"] == 0
    assert answer["libelle"] == "TRA_MSG_00.000"
    assert re.fullmatch(r"CPP001\d{4}\d{15}", answer["numeroFluxDepot"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", answer["dateDepot"])
    assert answer["syntaxeFlux"] == SYNTAX_FACTURX

    report = sandbox_session.report(answer["numeroFluxDepot"])
    assert report["etatCourantDepotFlux"] == PENDING
    assert "listeErreurDP" not in report
    assert sandbox_session.invoices(numeroFluxDepot=answer["numeroFluxDepot"]) == []

    sandbox.control.advance(2)
    report = sandbox_session.report(answer["numeroFluxDepot"])
    assert report["codeRetour"] == 0
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert report["codeInterfaceDepotFlux"] == "FSO1117A"
    assert report["nomFichier"] == f"FSO1117A_CPP001_{answer['numeroFluxDepot']}"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}", report["dateDepotFlux"])
    assert report["dateHeureEtatCourantFlux"] > report["dateDepotFlux"]
    [invoice] = sandbox_session.invoices(numeroFluxDepot=answer["numeroFluxDepot"])
    assert invoice["numeroFacture"] == "FAC-1"
    assert isinstance(invoice["identifiantFactureCPP"], int)
    assert invoice["statut"] == "DEPOSEE"


def test_each_deposit_gets_a_new_flow_number(sandbox_session):
    first = sandbox_session.deposit(samples.build_facturx_pdf(number="FAC-A"))
    second = sandbox_session.deposit(samples.build_facturx_pdf(number="FAC-B"))
    assert first != second


def test_unknown_flow_is_flux_introuvable(sandbox_session):
    answer = sandbox_session.report("CPP0011117000000000999999")
    assert answer["codeRetour"] == 20001
    assert answer["libelle"] == "POQ_MSG_01.003 - Flux introuvable."


@pytest.mark.parametrize(
    "body, code",
    [
        ({"nomFichier": "f.pdf", "syntaxeFlux": SYNTAX_FACTURX}, 20002),
        ({"fichierFlux": "***", "nomFichier": "f.pdf", "syntaxeFlux": SYNTAX_FACTURX}, 20002),
        ({"fichierFlux": "JVBERi0=", "nomFichier": "f.pdf", "syntaxeFlux": "IN_DP_PDF"}, 20003),
    ],
)
def test_unusable_deposit_is_refused_at_once(sandbox_session, body, code):
    answer = sandbox_session.call("factures/v1/deposer/flux", body)
    assert answer["codeRetour"] == code
    assert "numeroFluxDepot" not in answer


def _rejected_technically(sandbox, sandbox_session, content, filename="f.pdf", syntax=SYNTAX_FACTURX):
    flow = sandbox_session.deposit(content, filename, syntax)
    assert sandbox_session.report(flow)["etatCourantDepotFlux"] == PENDING
    sandbox.control.advance(2)
    report = sandbox_session.report(flow)
    assert report["etatCourantDepotFlux"] == "IN_REJETE"
    assert "listeErreurDP" not in report
    [error] = report["listeErreurTechnique"]
    assert set(error) == {"codeErreur", "libelleErreur", "natureErreur"}
    assert sandbox_session.invoices(numeroFluxDepot=flow) == []
    return error


def test_xsd_invalid_factur_x_is_irreceivable(sandbox, sandbox_session):
    xml = samples.break_xsd(samples.build_cii_xml("FAC-XSD"))
    error = _rejected_technically(sandbox, sandbox_session, samples.build_facturx_pdf(xml, check_xsd=False))
    assert error["codeErreur"] == "ERR_XSD_001"
    assert error["libelleErreur"].startswith("IRRECEVABILITE:")
    assert "GrandTotalAmount" in error["libelleErreur"]


def test_garbage_file_is_irreceivable(sandbox, sandbox_session):
    error = _rejected_technically(sandbox, sandbox_session, b"hello, this is no invoice")
    assert error["codeErreur"] == "ERR_FORMAT_001"


def test_pdf_without_factur_x_xml_is_irreceivable(sandbox, sandbox_session):
    error = _rejected_technically(sandbox, sandbox_session, samples.build_pdf(["no xml here"]))
    assert error["codeErreur"] == "ERR_FACTURX_001"


def test_syntax_must_match_the_file(sandbox, sandbox_session):
    error = _rejected_technically(
        sandbox, sandbox_session, samples.build_cii_xml("FAC-X"), "f.xml", SYNTAX_FACTURX
    )
    assert "IN_DP_E2_CII_FACTURX" in error["libelleErreur"]


def test_unsimulated_syntax_is_irreceivable(sandbox, sandbox_session):
    _rejected_technically(
        sandbox, sandbox_session, samples.build_cii_xml("FAC-U"), "f.xml", "IN_DP_E1_UBL_INVOICE"
    )


def test_cii_xml_flow_is_integrated(sandbox, sandbox_session):
    flow = sandbox_session.deposit(samples.build_cii_xml("FAC-CII"), "cii_FAC-CII.xml", SYNTAX_CII_16B)
    sandbox.control.advance(2)
    report = sandbox_session.report(flow)
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert report["codeInterfaceDepotFlux"] == "FSO1113A"


def test_tar_gz_batch_partially_integrated(sandbox, sandbox_session):
    batch = samples.build_tar_gz(
        {
            "a.pdf": samples.build_facturx_pdf(number="LOT-1"),
            "b.pdf": samples.build_facturx_pdf(number="LOT-2", buyer_siret="12345678200010"),
            "c.pdf": samples.build_facturx_pdf(number="LOT-3"),
        }
    )
    flow = sandbox_session.deposit(batch, "factur-x_chorus_lot_factures.tar.gz")
    sandbox.control.advance(2)
    report = sandbox_session.report(flow)
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    [error] = report["listeErreurDP"]
    assert error["numeroDP"] == "LOT-2"
    assert error["identifiantFournisseur"] == seed.SUPPLIER_SIRET
    assert error["identifiantDestinataire"] == "12345678200010"
    assert "n'est pas reference dans notre systeme" in error["libelleErreurDP"]
    numbers = sorted(invoice["numeroFacture"] for invoice in sandbox_session.invoices(numeroFluxDepot=flow))
    assert numbers == ["LOT-1", "LOT-3"]


def test_zip_batch_with_every_invoice_rejected_is_rejected(sandbox, sandbox_session):
    batch = samples.build_zip(
        {
            "a.pdf": samples.build_facturx_pdf(number="Z-1", payment_means=None),
            "b.pdf": samples.build_facturx_pdf(number="Z-2", buyer_siret=seed.BUYER_INACTIVE_SIRET),
        }
    )
    flow = sandbox_session.deposit(batch, "lot.zip")
    sandbox.control.advance(2)
    report = sandbox_session.report(flow)
    assert report["etatCourantDepotFlux"] == "IN_REJETE"
    assert [error["numeroDP"] for error in report["listeErreurDP"]] == ["Z-1", "Z-2"]
    assert "listeErreurTechnique" not in report


def test_zip_batch_with_an_unreadable_member_is_irreceivable(sandbox, sandbox_session):
    batch = samples.build_zip({"a.pdf": samples.build_facturx_pdf(number="Z-3"), "notes.txt": b"hello"})
    error = _rejected_technically(sandbox, sandbox_session, batch, "lot.zip")
    assert "notes.txt" in error["libelleErreur"]


def test_flow_delay_can_be_changed_at_run_time(sandbox, sandbox_session):
    assert sandbox.control.configure(flow_delay=0)["flow_delay"] == 0
    flow = sandbox_session.deposit(samples.build_facturx_pdf(number="FAST-1"))
    assert sandbox_session.report(flow)["etatCourantDepotFlux"] == "IN_INTEGRE"


def test_flows_of_another_account_are_invisible(sandbox, sandbox_session):
    flow = sandbox_session.deposit(samples.build_facturx_pdf(number="MINE-1"))
    assert sandbox_session.report(flow)["codeRetour"] == 0
    assert sandbox_session.call("transverses/v1/consulterCRDetaille", {})["codeRetour"] != 0


@pytest.mark.parametrize(
    "state",
    ["IN_INCIDENTE", "QP_IRRECEVABLE", "QP_RECEVABLE_AVEC_ERREUR", "IN_A_RELANCER", "IN_ERREUR_INTERNE"],
)
def test_a_flow_scenario_ends_the_flow_in_that_state(sandbox, sandbox_session, state):
    sandbox.control.scenario("FAC-END", state)
    flow = sandbox_session.deposit(samples.build_facturx_pdf(number="FAC-END"))
    sandbox.control.advance(2)
    report = sandbox_session.report(flow)
    assert report["etatCourantDepotFlux"] == state
    assert report["listeErreurTechnique"][0]["libelleErreur"]
    assert sandbox_session.invoices(numeroFluxDepot=flow) == [], "nothing integrated"


def test_an_omitted_rejection_integrates_the_flow_without_the_invoice(sandbox, sandbox_session):
    sandbox.control.scenario("FAC-OMIT", "omitted_rejection")
    flow = sandbox_session.deposit(samples.build_facturx_pdf(number="FAC-OMIT"))
    sandbox.control.advance(2)
    report = sandbox_session.report(flow)
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE"
    assert "listeErreurDP" not in report
    assert sandbox_session.invoices(numeroFacture="FAC-OMIT") == []


def test_a_file_over_the_deposit_limit_is_refused(sandbox_session):
    from chorus.values import FLOW_FILE_MAX_BYTES

    answer = sandbox_session.deposit_answer(b"%PDF" + b"0" * FLOW_FILE_MAX_BYTES, "big.pdf")
    assert (answer["codeRetour"], answer["libelle"]) == (20001, "GDP_MSG_11.022")
