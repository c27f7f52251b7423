"""Chorus Pro integration rules: each rejected invoice is in ``listeErreurDP`` with a real-style message."""

import facturx_samples as samples
import pytest

from chorus.sandbox import seed


@pytest.fixture
def integrate(sandbox, sandbox_session):
    """Deposit one Factur-X invoice, let the flow integrate, return (state, libelleErreurDP or None)."""

    def run(**invoice):
        invoice.setdefault("number", "FAC-RULE")
        flow = sandbox_session.deposit(samples.build_facturx_pdf(**invoice))
        sandbox.control.advance(2)
        report = sandbox_session.report(flow)
        errors = report.get("listeErreurDP", [])
        assert len(errors) <= 1
        return report["etatCourantDepotFlux"], errors[0]["libelleErreurDP"] if errors else None

    return run


AGREEMENT = "FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeAgreement"
EJ = f"{AGREEMENT}.BuyerOrderReferencedDocument.IssuerAssignedID.value"
SERVICE = f"{AGREEMENT}.BuyerReference.value"

REJECTIONS = {
    "unknown buyer": (
        {"buyer_siret": "12345678200010"},
        "L'identifiant destinataire de la demande de paiement (balise : "
        f"{AGREEMENT}.BuyerTradeParty.SpecifiedLegalOrganization.ID.value) n'est pas reference",
    ),
    "inactive buyer": ({"buyer_siret": seed.BUYER_INACTIVE_SIRET}, "n'est pas active"),
    "private buyer": ({"buyer_siret": seed.SUPPLIER_SIRET}, "n'est pas une structure publique"),
    "unknown service": (
        {"buyer_siret": seed.BUYER_COMMUNE_SIRET, "service_code": "SERV-NOPE"},
        f"Le code service SERV-NOPE (balise : {SERVICE}) n'existe pas",
    ),
    "inactive service": (
        {"buyer_siret": seed.BUYER_COMMUNE_SIRET, "service_code": seed.SERVICE_COMMUNE_INACTIVE},
        "SERV-ANCIEN (balise : ",
    ),
    "inactive ministry service": (
        {
            "buyer_siret": seed.BUYER_MINISTRY_SIRET,
            "service_code": seed.SERVICE_MINISTRY_INACTIVE,
            "engagement": seed.ENGAGEMENT_MINISTRY,
        },
        "n'est pas actif",
    ),
    "public invoices service": (
        {"buyer_siret": seed.BUYER_COMMUNE_SIRET, "service_code": "FACTURES_PUBLIQUES"},
        "Le service FACTURES_PUBLIQUES (balise : ",
    ),
    "service required": ({"buyer_siret": seed.BUYER_COMMUNE_SIRET}, f"L'element {SERVICE} est obligatoire"),
    "engagement required": ({"buyer_siret": seed.BUYER_PUBLIC_BODY_SIRET}, f"L'element {EJ} est obligatoire"),
    "service and engagement, engagement missing": (
        {"buyer_siret": seed.BUYER_MINISTRY_SIRET, "service_code": seed.SERVICE_MINISTRY_ACTIVE},
        f"L'element {EJ} est obligatoire",
    ),
    "service and engagement, service missing": (
        {"buyer_siret": seed.BUYER_MINISTRY_SIRET, "engagement": seed.ENGAGEMENT_MINISTRY},
        f"L'element {SERVICE} est obligatoire",
    ),
    "service or engagement, neither": (
        {"buyer_siret": seed.BUYER_HOSPITAL_SIRET},
        f"L'element {SERVICE} ou l'element {EJ} doit etre renseigne",
    ),
    "service needing an engagement": (
        {"buyer_siret": seed.BUYER_HOSPITAL_SIRET, "service_code": seed.SERVICE_HOSPITAL_ENGAGEMENT},
        f"L'element {EJ} est obligatoire pour le service SERV-PHARMA",
    ),
    "engagement over 50 characters": (
        {"buyer_siret": seed.BUYER_PUBLIC_BODY_SIRET, "engagement": "E" * 51},
        "depasse la longueur maximale autorisee de 50 caracteres",
    ),
    "no payment means": (
        {"payment_means": None},
        "L'element FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeSettlement"
        ".SpecifiedTradeSettlementPaymentMeans.TypeCode.value est obligatoire.",
    ),
    "transfer without iban": ({"payment_means": "30", "iban": ""}, "IBANID.value est obligatoire"),
    "unknown supplier": (
        {"seller_siret": "12345678200010"},
        "L'identifiant fournisseur de la demande de paiement (balise : "
        f"{AGREEMENT}.SellerTradeParty.SpecifiedLegalOrganization.ID.value) n'est pas reference",
    ),
    "supplier of another account": (
        {"seller_siret": seed.BUYER_PLAIN_SIRET},
        "n'est pas rattachee au compte technique",
    ),
}


@pytest.mark.parametrize("invoice, message", REJECTIONS.values(), ids=list(REJECTIONS))
def test_rule_rejects_invoice(integrate, invoice, message):
    state, error = integrate(**invoice)
    assert state == "IN_REJETE"
    assert message in error


ACCEPTED = {
    "plain buyer, no routing": {},
    "service buyer with active service": {
        "buyer_siret": seed.BUYER_COMMUNE_SIRET,
        "service_code": "SERV-COMPTA",
    },
    "engagement buyer": {
        "buyer_siret": seed.BUYER_PUBLIC_BODY_SIRET,
        "engagement": seed.ENGAGEMENT_PUBLIC_BODY,
    },
    "service and engagement": {
        "buyer_siret": seed.BUYER_MINISTRY_SIRET,
        "service_code": "MIN-SERV-27",
        "engagement": seed.ENGAGEMENT_MINISTRY,
    },
    "service or engagement: engagement only": {
        "buyer_siret": seed.BUYER_HOSPITAL_SIRET,
        "engagement": "1300012345",
    },
    "service or engagement: plain service only": {
        "buyer_siret": seed.BUYER_HOSPITAL_SIRET,
        "service_code": "SERV-TECH",
    },
    "service needing engagement, given": {
        "buyer_siret": seed.BUYER_HOSPITAL_SIRET,
        "service_code": "SERV-PHARMA",
        "engagement": seed.ENGAGEMENT_HOSPITAL,
    },
    "engagement of exactly 50 characters": {"engagement": "E" * 50},
    "credit note without payment means": {"credit_note": True, "payment_means": None},
    "cheque without iban": {"payment_means": "20", "iban": ""},
    "market number": {"market": "MARCHE-2026-01"},
}


@pytest.mark.parametrize("invoice", ACCEPTED.values(), ids=list(ACCEPTED))
def test_rule_accepts_invoice(integrate, invoice):
    assert integrate(**invoice) == ("IN_INTEGRE", None)


def test_several_faults_are_joined_with_a_pipe(integrate):
    state, error = integrate(buyer_siret=seed.BUYER_MINISTRY_SIRET, payment_means=None)
    assert state == "IN_REJETE"
    assert error.count("|") == 2


def test_number_already_accepted_for_this_supplier_is_rejected(integrate):
    assert integrate(number="FAC-DUP") == ("IN_INTEGRE", None)
    state, error = integrate(number="FAC-DUP")
    assert state == "IN_REJETE"
    assert (
        "Le numero de facture FAC-DUP (balise : FichierXml.ExchangedDocument.ID.value) a deja ete utilise"
        in error
    )


def test_rejected_number_can_be_deposited_again(integrate):
    assert integrate(number="FAC-FIX", payment_means=None)[0] == "IN_REJETE"
    assert integrate(number="FAC-FIX") == ("IN_INTEGRE", None)


def test_duplicate_inside_one_batch_is_rejected(sandbox, sandbox_session):
    batch = samples.build_tar_gz(
        {"a.pdf": samples.build_facturx_pdf(number="TWIN"), "b.pdf": samples.build_facturx_pdf(number="TWIN")}
    )
    flow = sandbox_session.deposit(batch, "lot.tar.gz")
    sandbox.control.advance(2)
    report = sandbox_session.report(flow)
    assert report["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert [error["numeroDP"] for error in report["listeErreurDP"]] == ["TWIN"]
