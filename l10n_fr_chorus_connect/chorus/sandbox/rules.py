"""Chorus Pro integration rules applied to each invoice of a deposited flow.

Messages copy the style of the real ``libelleErreurDP`` (French without accents, CII element path
in ``FichierXml...value`` form, several messages joined with ``|``).
"""

from __future__ import annotations

from ..facturx_reader import CREDIT_NOTE_TYPE_CODE, INVOICE_TYPE_CODE, InvoiceFacts
from ..values import (
    PUBLIC_INVOICES_SERVICE,
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
)
from . import directory, framework_rules
from .seed import SeedAccount

ENGAGEMENT_MAX_LENGTH = 50
TRANSFER_CODES = ("30", "31", "42", "58")

_AGREEMENT = "FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeAgreement"
_SETTLEMENT = "FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeSettlement"
SELLER_TAG = f"{_AGREEMENT}.SellerTradeParty.SpecifiedLegalOrganization.ID.value"
BUYER_TAG = f"{_AGREEMENT}.BuyerTradeParty.SpecifiedLegalOrganization.ID.value"
SERVICE_TAG = f"{_AGREEMENT}.BuyerReference.value"
ENGAGEMENT_TAG = f"{_AGREEMENT}.BuyerOrderReferencedDocument.IssuerAssignedID.value"
PAYMENT_MEANS_TAG = f"{_SETTLEMENT}.SpecifiedTradeSettlementPaymentMeans.TypeCode.value"
IBAN_TAG = (
    f"{_SETTLEMENT}.SpecifiedTradeSettlementPaymentMeans.PayeePartyCreditorFinancialAccount.IBANID.value"
)
NUMBER_TAG = "FichierXml.ExchangedDocument.ID.value"
TYPE_TAG = "FichierXml.ExchangedDocument.TypeCode.value"


def check_invoice(facts: InvoiceFacts, account: SeedAccount, numbers_taken: set[str]) -> list[str]:
    """Every reason Chorus would reject ``facts``; empty when the invoice is integrated."""
    errors = _identity_errors(facts, account)
    errors += _document_errors(facts, numbers_taken)
    buyer = directory.structure_by_siret(facts.buyer_siret)
    if buyer is not None and buyer.public and buyer.active:
        errors += _routing_errors(facts, buyer)
    errors += _payment_errors(facts)
    errors += framework_rules.errors(facts)
    return errors


def _identity_errors(facts: InvoiceFacts, account: SeedAccount) -> list[str]:
    errors = []
    if not facts.seller_siret:
        errors.append(f"L'element {SELLER_TAG} est obligatoire.")
    elif directory.structure_by_siret(facts.seller_siret) is None:
        errors.append(
            f"L'identifiant fournisseur de la demande de paiement (balise : {SELLER_TAG}) "
            "n'est pas reference dans notre systeme."
        )
    elif facts.seller_siret != account.structure_siret:
        errors.append(
            f"La structure fournisseur {facts.seller_siret} (balise : {SELLER_TAG}) "
            "n'est pas rattachee au compte technique utilise pour le depot."
        )
    buyer = directory.structure_by_siret(facts.buyer_siret)
    if not facts.buyer_siret:
        errors.append(f"L'element {BUYER_TAG} est obligatoire.")
    elif buyer is None:
        errors.append(
            f"L'identifiant destinataire de la demande de paiement (balise : {BUYER_TAG}) "
            "n'est pas reference dans notre systeme."
        )
    elif not buyer.public:
        errors.append(
            f"La structure destinataire {buyer.siret} (balise : {BUYER_TAG}) "
            "n'est pas une structure publique."
        )
    elif not buyer.active:
        errors.append(f"La structure destinataire {buyer.siret} (balise : {BUYER_TAG}) n'est pas active.")
    return errors


def _document_errors(facts: InvoiceFacts, numbers_taken: set[str]) -> list[str]:
    errors = []
    if not facts.number:
        errors.append(f"L'element {NUMBER_TAG} est obligatoire.")
    elif facts.number in numbers_taken:
        errors.append(
            f"Le numero de facture {facts.number} (balise : {NUMBER_TAG}) a deja ete utilise "
            "par ce fournisseur pour une autre facture."
        )
    if facts.type_code not in (INVOICE_TYPE_CODE, CREDIT_NOTE_TYPE_CODE):
        errors.append(
            f"Le type de facture {facts.type_code or '(vide)'} (balise : {TYPE_TAG}) n'est pas autorise : "
            "valeurs attendues 380 (facture) ou 381 (avoir)."
        )
    if len(facts.engagement) > ENGAGEMENT_MAX_LENGTH:
        errors.append(
            f"La longueur de l'element {ENGAGEMENT_TAG} ({len(facts.engagement)} caracteres) depasse "
            f"la longueur maximale autorisee de {ENGAGEMENT_MAX_LENGTH} caracteres."
        )
    return errors


def _routing_errors(facts: InvoiceFacts, buyer) -> list[str]:
    errors = []
    service = None
    if facts.service_code:
        service = directory.service_by_code(buyer, facts.service_code)
        if facts.service_code == PUBLIC_INVOICES_SERVICE:
            errors.append(
                f"Le service {PUBLIC_INVOICES_SERVICE} (balise : {SERVICE_TAG}) est exclusivement dedie a la "
                "facturation intra-sphere publique et ne peut pas etre utilise par ce fournisseur."
            )
        elif service is None:
            errors.append(
                f"Le code service {facts.service_code} (balise : {SERVICE_TAG}) n'existe pas "
                f"pour la structure destinataire {buyer.siret}."
            )
        elif not service.active:
            errors.append(
                f"Le service {facts.service_code} (balise : {SERVICE_TAG}) de la structure destinataire "
                f"{buyer.siret} n'est pas actif."
            )
    needs_service = buyer.requirement in (REQUIREMENT_SERVICE, REQUIREMENT_SERVICE_AND_ENGAGEMENT)
    needs_engagement = buyer.requirement in (REQUIREMENT_ENGAGEMENT, REQUIREMENT_SERVICE_AND_ENGAGEMENT)
    if needs_service and not facts.service_code:
        errors.append(
            f"L'element {SERVICE_TAG} est obligatoire pour la structure destinataire {buyer.siret}."
        )
    if needs_engagement and not facts.engagement:
        errors.append(
            f"L'element {ENGAGEMENT_TAG} est obligatoire pour la structure destinataire {buyer.siret}."
        )
    elif service is not None and service.engagement_required and not facts.engagement:
        errors.append(
            f"L'element {ENGAGEMENT_TAG} est obligatoire pour le service {service.code} "
            f"de la structure destinataire {buyer.siret}."
        )
    if (
        buyer.requirement == REQUIREMENT_SERVICE_OR_ENGAGEMENT
        and not facts.service_code
        and not facts.engagement
    ):
        errors.append(
            f"L'element {SERVICE_TAG} ou l'element {ENGAGEMENT_TAG} doit etre renseigne "
            f"pour la structure destinataire {buyer.siret}."
        )
    return errors


def _payment_errors(facts: InvoiceFacts) -> list[str]:
    if facts.type_code != INVOICE_TYPE_CODE:
        return []
    if not facts.payment_means_codes:
        return [f"L'element {PAYMENT_MEANS_TAG} est obligatoire."]
    if any(code in TRANSFER_CODES for code in facts.payment_means_codes) and not facts.iban:
        return [f"L'element {IBAN_TAG} est obligatoire pour un paiement par virement."]
    return []
