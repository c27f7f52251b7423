"""Billing-framework rules (« cadre de facturation », BT-23) applied to each deposited invoice.

The framework is read from ``ExchangedDocumentContext/BusinessProcessSpecifiedDocumentContextParameter``
(none = A1, the supplier's invoice); its rules come from :mod:`chorus.frameworks`. Messages copy the
style of the real ``libelleErreurDP``; the wording for the validator and the MOE is ours (the error
annex of the external specifications was not readable), in the same form as the identity errors.
"""

from __future__ import annotations

from .. import frameworks
from ..facturx_reader import InvoiceFacts
from . import seed

FRAMEWORK_TAG = (
    "FichierXml.ExchangedDocumentContext.BusinessProcessSpecifiedDocumentContextParameter.ID.value"
)
NOTE_TAG = "FichierXml.ExchangedDocument.IncludedNote.Content.value"
DUE_TAG = (
    "FichierXml.SupplyChainTradeTransaction.ApplicableHeaderTradeSettlement."
    "SpecifiedTradeSettlementHeaderMonetarySummation.DuePayableAmount.value"
)
_PARTIES = {structure.siret: structure for structure in seed.PROJECT_PARTIES}


def framework_of(facts: InvoiceFacts) -> frameworks.Framework | None:
    return frameworks.framework(facts.framework or frameworks.DEFAULT)


def errors(facts: InvoiceFacts) -> list[str]:
    entry = framework_of(facts)
    if entry is None:
        allowed = ", ".join(item.short for item in frameworks.FRAMEWORKS)
        return [
            f"Le cadre de facturation {facts.framework} (balise : {FRAMEWORK_TAG}) n'est pas autorise : "
            f"valeurs attendues {allowed}."
        ]
    found = frameworks.problems(
        entry,
        is_credit_note=facts.is_credit_note,
        amount_due=facts.amount_due,
        main_contractor_siret=facts.main_contractor_siret,
        moe_siret=facts.moe_siret,
        moe_service=facts.moe_service,
    )
    messages = [_message(key, entry, facts) for key in found]
    main_contractor_given = not {"main_contractor_missing", "main_contractor_invalid"} & set(found)
    if entry.main_contractor and main_contractor_given and facts.main_contractor_siret not in _PARTIES:
        messages.append(
            f"Le valideur {facts.main_contractor_siret} (balise : {NOTE_TAG}) du cadre de facturation "
            f"{entry.code} n'est pas reference dans notre systeme."
        )
    if entry.moe and not {"moe_missing", "moe_invalid", "moe_service_missing"} & set(found):
        messages += _moe_errors(entry, facts)
    return messages


def _moe_errors(entry, facts) -> list[str]:
    moe = _PARTIES.get(facts.moe_siret)
    if moe is None:
        return [
            f"La maitrise d'oeuvre {facts.moe_siret} (balise : {NOTE_TAG}) du cadre de facturation "
            f"{entry.code} n'est pas referencee dans notre systeme."
        ]
    if not any(service.code == facts.moe_service and service.active for service in moe.services):
        return [
            f"Le code service {facts.moe_service} (balise : {NOTE_TAG}) n'existe pas pour la maitrise "
            f"d'oeuvre {moe.siret}."
        ]
    return []


_MESSAGES = {
    "credit_note_not_allowed": "Le type de facture 381 (avoir) n'est pas autorise pour le cadre de "
    "facturation {code}.",
    "not_paid": f"Le montant restant a payer (balise : {DUE_TAG}) doit etre egal a 0 pour le cadre de "
    "facturation {code} (facture deja payee).",
    "main_contractor_missing": "Le valideur (titulaire du marche) est obligatoire pour le cadre de "
    "facturation {code}.",
    "main_contractor_invalid": "L'identifiant du valideur {main} (balise : " + NOTE_TAG + ") n'est pas un "
    "SIRET valide.",
    "moe_missing": "La maitrise d'oeuvre est obligatoire pour le cadre de facturation {code}.",
    "moe_invalid": "L'identifiant de la maitrise d'oeuvre {moe} (balise : " + NOTE_TAG + ") n'est pas un "
    "SIRET valide.",
    "moe_service_missing": "Le code service de la maitrise d'oeuvre est obligatoire pour le cadre de "
    "facturation {code}.",
}


def _message(key: str, entry, facts) -> str:
    return _MESSAGES[key].format(code=entry.code, main=facts.main_contractor_siret, moe=facts.moe_siret)
