"""What every Chorus Pro flow state and invoice status means to a supplier.

Codes come from the reference (§3 flow states, §4.1 and §4.2 invoice statuses).
Each entry carries a French and an English label, whether it is final, a
success or a failure, whether the supplier must act (and the next step), and
a badge colour (``success``/``info``/``warning``/``danger``/``muted``).

>>> invoice_status("SUSPENDUE").supplier_action
True
>>> invoice_status("UNKNOWN_CODE").label_fr
'UNKNOWN_CODE'
>>> is_final("MANDATEE"), is_final("MANDATEE", payment_status_not_reported=True)
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass

MOVING_OUTCOME = "moving"


def _(text: str) -> str:
    """Marks an English label for Odoo's translation export; Odoo translates it through the .po."""
    return text


@dataclass(frozen=True)
class Status:
    code: str
    label_fr: str
    label_en: str
    final: bool = False
    success: bool = False
    failure: bool = False
    supplier_action: bool = False
    next_step_fr: str = ""
    next_step_en: str = ""
    color: str = "info"
    known: bool = True
    outcome: str = MOVING_OUTCOME


def _table(*entries: Status) -> dict[str, Status]:
    return {entry.code: entry for entry in entries}


# --------------------------------------------------------------- flow states
# What each state of a deposited flow (etatCourantDepotFlux) means for the invoices in it:
# MOVING: Chorus is processing it; RETRIED: Chorus will process it again by itself (keep waiting);
# SUCCESS: final, its invoices are in Chorus (IN_INTEGRE_PARTIEL lists the rejected ones);
# FAILURE: final, nothing of it was integrated: the invoices are freed to be deposited again.
# Sources: Tryton account_fr_chorus (IN_INCIDENTE, QP_IRRECEVABLE, QP_RECEVABLE_AVEC_ERREUR, IN_REJETE
# are failures), Pastell (IN_INCIDENTE like IN_REJETE), Demat4Dolibarr (IN_INCIDENTE, IN_REJETE,
# IN_A_RELANCER, IN_ERREUR_INTERNE allow a new deposit), OCA 17.0 (polls until IN_INTEGRE,
# IN_INTEGRE_PARTIEL or IN_REJETE). IN_RECU and IN_TRAITE_SE_CPP are success for Tryton but OCA keeps
# polling: the invoices are only searchable once integrated, so they are MOVING here.
MOVING, RETRIED, SUCCESS, FAILURE = MOVING_OUTCOME, "retried", "success", "failure"

_REDEPOSIT_FR = "Déposer la facture à nouveau ; si l'incident se répète, contacter le support Chorus Pro"
_REDEPOSIT_EN = _("Deposit the invoice again; if the incident happens again, contact the Chorus Pro support")
_FIX_FR = "Corriger les erreurs signalées puis déposer à nouveau la facture"
_FIX_EN = _("Fix the reported errors, then deposit the invoice again")


def _failure(code, label_fr, label_en, fix=True):
    return Status(
        code,
        label_fr,
        label_en,
        final=True,
        failure=True,
        supplier_action=True,
        next_step_fr=_FIX_FR if fix else _REDEPOSIT_FR,
        next_step_en=_FIX_EN if fix else _REDEPOSIT_EN,
        color="danger",
        outcome=FAILURE,
    )


_FLOW_STATES = _table(
    Status(
        "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
        "Déposé, en attente de traitement",
        _("Deposited, awaiting processing"),
    ),
    Status("IN_RECU", "Reçu", _("Received")),
    Status("IN_EN_ATTENTE_TRAITEMENT_CPP", "En attente de traitement", _("Awaiting processing")),
    Status(
        "IN_EN_ATTENTE_RETRAITEMENT_CPP",
        "En attente de retraitement",
        _("Awaiting reprocessing"),
        color="warning",
        outcome=RETRIED,
    ),
    Status("IN_EN_COURS_TRAITEMENT_CPP", "En cours de traitement", _("Being processed")),
    Status("IN_TRAITE_SE_CPP", "Traité", _("Processed")),
    Status("QP_RECEVABLE", "Recevable", _("Receivable")),
    _failure("QP_RECEVABLE_AVEC_ERREUR", "Recevable avec erreur", _("Receivable with errors")),
    _failure("QP_IRRECEVABLE", "Irrecevable", _("Not receivable")),
    _failure("IN_INCIDENTE", "Incidenté", _("Incident"), fix=False),
    _failure("IN_A_RELANCER", "À relancer", _("To be sent again"), fix=False),
    _failure("IN_ERREUR_INTERNE", "Erreur interne", _("Internal error"), fix=False),
    _failure("IN_REJETE", "Flux rejeté", _("Flow rejected")),
    Status(
        "IN_INTEGRE", "Intégré", _("Integrated"), final=True, success=True, color="success", outcome=SUCCESS
    ),
    Status(
        "IN_INTEGRE_PARTIEL",
        "Intégré partiellement",
        _("Partially integrated"),
        final=True,
        success=True,
        supplier_action=True,
        next_step_fr="Corriger les factures rejetées puis les déposer à nouveau",
        next_step_en=_("Fix the rejected invoices, then deposit them again"),
        color="warning",
        outcome=SUCCESS,
    ),
)

FLOW_FINAL_STATES = frozenset(code for code, entry in _FLOW_STATES.items() if entry.final)

# ----------------------------------------------------------- invoice statuses

_COMPLETE = "Compléter la facture (pièces jointes, commentaire) sur Chorus Pro"
_RECYCLE = (
    "Modifier le service, l'engagement juridique ou le destinataire de la facture "
    "puis la recycler sur Chorus Pro"
)
_REISSUE = "Émettre un avoir pour annuler la facture rejetée puis une nouvelle facture corrigée"

_A1_STATUSES = (
    Status("BROUILLON", "Brouillon", _("Draft"), color="muted"),
    Status(
        "INTERPRETEE_OCR",
        "Interprétée OCR",
        _("OCR interpreted"),
        supplier_action=True,
        next_step_fr="Soumettre la facture sur Chorus Pro",
        next_step_en=_("Submit the invoice on Chorus Pro"),
    ),
    Status("DEPOSEE", "Déposée", _("Deposited")),
    Status("EN_COURS_ACHEMINEMENT", "En cours d'acheminement", _("Being routed")),
    Status("MISE_A_DISPOSITION", "Mise à disposition du destinataire", _("Made available to the buyer")),
    Status(
        "PRISE_EN_COMPTE_DESTINATAIRE", "Prise en compte par le destinataire", _("Taken over by the buyer")
    ),
    Status(
        "SUSPENDUE",
        "Suspendue",
        _("Suspended"),
        supplier_action=True,
        next_step_fr=_COMPLETE,
        next_step_en=_("Complete the invoice (attachments, comment) on Chorus Pro"),
        color="warning",
    ),
    Status("COMPLETEE", "Complétée", _("Completed")),
    Status(
        "A_RECYCLER",
        "À recycler",
        _("To be recycled"),
        supplier_action=True,
        next_step_fr=_RECYCLE,
        next_step_en=_(
            "Change the service, the legal commitment or the recipient of the invoice, "
            "then recycle it on Chorus Pro"
        ),
        color="warning",
    ),
    Status(
        "REJETEE",
        "Rejetée",
        _("Rejected"),
        final=True,
        failure=True,
        supplier_action=True,
        next_step_fr=_REISSUE,
        next_step_en=_("Issue a credit note cancelling the rejected invoice, then a new corrected invoice"),
        color="danger",
    ),
    Status("SERVICE_FAIT", "Service fait", _("Service rendered")),
    Status("MANDATEE", "Mandatée", _("Payment ordered")),
    Status(
        "MISE_A_DISPOSITION_COMPTABLE", "Mise à disposition comptable", _("Sent to the public accountant")
    ),
    Status("COMPTABILISEE", "Comptabilisée", _("Booked")),
    Status("MISE_EN_PAIEMENT", "Mise en paiement", _("Paid out"), final=True, success=True, color="success"),
    Status("ABANDONNEE", "Abandonnée", _("Abandoned"), final=True, failure=True, color="muted"),
    Status("SUPPRIMEE", "Supprimée", _("Deleted"), final=True, failure=True, color="muted"),
    Status("TECHNIQUE_INCONNU", "Statut technique inconnu", _("Unknown technical status"), color="muted"),
)

_FIX_VALIDATOR = "Corriger le valideur de la facture sur Chorus Pro"

_CIRCUIT_STATUSES = (
    Status("A_VALIDER_1", "À valider (valideur 1)", _("To be approved (approver 1)")),
    Status("VALIDEE_1", "Validée (valideur 1)", _("Approved (approver 1)")),
    Status("REFUSEE_1", "Refusée (valideur 1)", _("Refused (approver 1)"), failure=True, color="danger"),
    Status(
        "ABSENCE_VALIDATION_1_HORS_DELAI",
        "Absence de validation hors délai (valideur 1)",
        _("Not approved in time (approver 1)"),
        color="warning",
    ),
    Status("A_VALIDER_2", "À valider (valideur 2)", _("To be approved (approver 2)")),
    Status("VALIDEE_2", "Validée (valideur 2)", _("Approved (approver 2)")),
    Status("REFUSEE_2", "Refusée (valideur 2)", _("Refused (approver 2)"), failure=True, color="danger"),
    Status(
        "ABSENCE_VALIDATION_2_HORS_DELAI",
        "Absence de validation hors délai (valideur 2)",
        _("Not approved in time (approver 2)"),
        color="warning",
    ),
    Status(
        "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
        "Erreur du fournisseur sur le valideur",
        _("Supplier error on the approver"),
        supplier_action=True,
        next_step_fr=_FIX_VALIDATOR,
        next_step_en=_("Correct the invoice's approver on Chorus Pro"),
        color="warning",
    ),
    Status(
        "ERREUR_COTRAITANT_SUR_VALIDEUR",
        "Erreur du cotraitant sur le valideur",
        _("Co-contractor error on the approver"),
        color="warning",
    ),
    Status(
        "ERREUR_FOURNISSEUR_SUR_MOE",
        "Erreur du fournisseur sur la maîtrise d'œuvre",
        _("Supplier error on the project manager"),
        supplier_action=True,
        next_step_fr=_FIX_VALIDATOR,
        next_step_en=_("Correct the invoice's approver on Chorus Pro"),
        color="warning",
    ),
    Status(
        "ERREUR_MOE_SUR_FOURNISSEUR",
        "Erreur de la maîtrise d'œuvre sur le fournisseur",
        _("Project manager error on the supplier"),
        color="warning",
    ),
    Status(
        "ERREUR_MOA_SUR_FOURNISSEUR",
        "Erreur de la maîtrise d'ouvrage sur le fournisseur",
        _("Contracting authority error on the supplier"),
        color="warning",
    ),
    Status(
        "ERREUR_FOURNISSEUR_SUR_MOA",
        "Erreur du fournisseur sur la maîtrise d'ouvrage",
        _("Supplier error on the contracting authority"),
        supplier_action=True,
        next_step_fr=_FIX_VALIDATOR,
        next_step_en=_("Correct the invoice's approver on Chorus Pro"),
        color="warning",
    ),
    Status(
        "ERREUR_MOE_SUR_MOA",
        "Erreur de la maîtrise d'œuvre sur la maîtrise d'ouvrage",
        _("Project manager error on the contracting authority"),
        color="warning",
    ),
    Status(
        "ERREUR_DESTINATAIRE_PD", "Erreur de destinataire (PD)", _("Recipient error (PD)"), color="warning"
    ),
    Status(
        "ERREUR_DESTINATAIRE_EA", "Erreur de destinataire (EA)", _("Recipient error (EA)"), color="warning"
    ),
    Status("ERREUR_DE_MOE", "Erreur de maîtrise d'œuvre", _("Project manager error"), color="warning"),
    Status(
        "ERREUR_DE_MOA", "Erreur de maîtrise d'ouvrage", _("Contracting authority error"), color="warning"
    ),
)

_WORKS_STATUSES = (
    Status("ASSOCIEE", "Associée", _("Associated")),
    Status("EN_COURS_TRAITEMENT_PIVOT_S", "En cours de traitement (pivot)", _("Being processed (pivot)")),
    Status("A_VALIDER_MOE", "À valider par la maîtrise d'œuvre", _("To be approved by the project manager")),
    Status(
        "REFUSEE_MOE",
        "Refusée par la maîtrise d'œuvre",
        _("Refused by the project manager"),
        failure=True,
        color="danger",
    ),
    Status(
        "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
        "En attente de recyclage par le fournisseur",
        _("Awaiting recycling by the supplier"),
        supplier_action=True,
        next_step_fr=_RECYCLE,
        next_step_en=_(
            "Change the service, the legal commitment or the recipient of the invoice, "
            "then recycle it on Chorus Pro"
        ),
        color="warning",
    ),
    Status("NON_CONFORME", "Non conforme", _("Not compliant"), failure=True, color="danger"),
    Status(
        "A_ASSOCIER_MOE", "À associer par la maîtrise d'œuvre", _("To be associated by the project manager")
    ),
    Status(
        "MISE_A_DISPOSITION_MOE",
        "Mise à disposition de la maîtrise d'œuvre",
        _("Made available to the project manager"),
    ),
    Status(
        "PRISE_EN_COMPTE_MOE",
        "Prise en compte par la maîtrise d'œuvre",
        _("Taken over by the project manager"),
    ),
    Status(
        "A_ASSOCIER_MOA",
        "À associer par la maîtrise d'ouvrage",
        _("To be associated by the contracting authority"),
    ),
    Status(
        "REFUSEE_MOA",
        "Refusée par la maîtrise d'ouvrage",
        _("Refused by the contracting authority"),
        failure=True,
        color="danger",
    ),
    Status("A_ASSOCIER_FOURNISSEUR", "À associer par le fournisseur", _("To be associated by the supplier")),
    Status(
        "REFUSEE_FOURNISSEUR", "Refusée par le fournisseur", _("Refused by the supplier"), color="warning"
    ),
    Status(
        "A_COMPLETER",
        "À compléter",
        _("To be completed"),
        supplier_action=True,
        next_step_fr=_COMPLETE,
        next_step_en=_("Complete the invoice (attachments, comment) on Chorus Pro"),
        color="warning",
    ),
    Status("TRANSMISE_MOA", "Transmise à la maîtrise d'ouvrage", _("Sent to the contracting authority")),
    Status(
        "REMPLACEE_PAR_A22",
        "Remplacée par un projet de décompte général (A22)",
        _("Replaced by a general statement draft (A22)"),
        color="muted",
    ),
    Status("DUPLIQUE_APRES_REFUS", "Dupliquée après refus", _("Duplicated after refusal"), color="muted"),
    Status(
        "MISE_A_DISPOSITION_MOA",
        "Mise à disposition de la maîtrise d'ouvrage",
        _("Made available to the contracting authority"),
    ),
    Status(
        "PRISE_EN_COMPTE_MOA",
        "Prise en compte par la maîtrise d'ouvrage",
        _("Taken over by the contracting authority"),
    ),
    # Only in the PGF client's list, not in the official swagger enum.
    Status(
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        "Absence de validation de la maîtrise d'œuvre dans le délai",
        _("Not approved by the project manager in time"),
        color="warning",
    ),
)

_INVOICE_STATUSES = _table(*_A1_STATUSES, *_CIRCUIT_STATUSES, *_WORKS_STATUSES)

INVOICE_FINAL_STATUSES = frozenset(code for code, entry in _INVOICE_STATUSES.items() if entry.final)
# MANDATEE ends the lifecycle only for buyers flagged statutMiseEnPaiementNestPasRemonte.
FINAL_WHEN_PAYMENT_NOT_REPORTED = "MANDATEE"
# Statuses asking the supplier to act: the invoice gets an activity with the next step.
SUPPLIER_ACTION_STATUSES = frozenset(
    code for code, entry in _INVOICE_STATUSES.items() if entry.supplier_action
)
# Final and successful: the invoice is paid.
PAID_STATUSES = frozenset(code for code, entry in _INVOICE_STATUSES.items() if entry.final and entry.success)


def _unknown(code: str) -> Status:
    return Status(code or "", code or "?", code or "?", color="muted", known=False)


def flow_state(code: str) -> Status:
    return _FLOW_STATES.get(code) or _unknown(code)


def invoice_status(code: str) -> Status:
    return _INVOICE_STATUSES.get(code) or _unknown(code)


def is_final(code: str, payment_status_not_reported: bool = False) -> bool:
    """Whether an invoice status ends the lifecycle (no more polling)."""
    if payment_status_not_reported and code == FINAL_WHEN_PAYMENT_NOT_REPORTED:
        return True
    return code in INVOICE_FINAL_STATUSES


def flow_selection() -> list[tuple[str, str]]:
    return [(code, entry.label_en) for code, entry in _FLOW_STATES.items()]


def invoice_selection() -> list[tuple[str, str]]:
    return [(code, entry.label_en) for code, entry in _INVOICE_STATUSES.items()]


def flow_states() -> tuple[Status, ...]:
    return tuple(_FLOW_STATES.values())


_OUTCOME_TEXT = {
    MOVING: "still moving: checked again later",
    RETRIED: "Chorus Pro processes it again by itself: checked again later",
    SUCCESS: "final, success: the invoices are searched and followed",
    FAILURE: "final, failure: invoice freed, token credited back, activity with the next step",
}


def flow_decision_table() -> str:
    """The README's table of flow states (reStructuredText), written from this catalogue."""
    rows = [
        (entry.code, entry.label_en, _OUTCOME_TEXT[entry.outcome], entry.next_step_en or "")
        for entry in _FLOW_STATES.values()
    ]
    header = ("State", "Meaning", "What the connector does", "Next step")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

    def line(cells):
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    def rule(char):
        return "+" + "+".join(char * (width + 2) for width in widths) + "+"

    out = [rule("-"), line(header), rule("=")]
    for row in rows:
        out += [line(row), rule("-")]
    return "\n".join(out)
