"""The catalogue knows every code of the reference (§3, §4.1, §4.2) and what it means for the supplier."""

import dataclasses
from pathlib import Path

import pytest

from chorus import catalogue

# Reference §3 and its errata (IN_A_RELANCER, IN_ERREUR_INTERNE), in the order of the table.
FLOW_STATES = [
    "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
    "IN_RECU",
    "IN_EN_ATTENTE_TRAITEMENT_CPP",
    "IN_EN_ATTENTE_RETRAITEMENT_CPP",
    "IN_EN_COURS_TRAITEMENT_CPP",
    "IN_TRAITE_SE_CPP",
    "QP_RECEVABLE",
    "QP_RECEVABLE_AVEC_ERREUR",
    "QP_IRRECEVABLE",
    "IN_INCIDENTE",
    "IN_A_RELANCER",
    "IN_ERREUR_INTERNE",
    "IN_REJETE",
    "IN_INTEGRE",
    "IN_INTEGRE_PARTIEL",
]

# Reference §4.1.
A1_STATUSES = [
    "BROUILLON",
    "INTERPRETEE_OCR",
    "DEPOSEE",
    "EN_COURS_ACHEMINEMENT",
    "MISE_A_DISPOSITION",
    "PRISE_EN_COMPTE_DESTINATAIRE",
    "SUSPENDUE",
    "COMPLETEE",
    "A_RECYCLER",
    "REJETEE",
    "SERVICE_FAIT",
    "MANDATEE",
    "MISE_A_DISPOSITION_COMPTABLE",
    "COMPTABILISEE",
    "MISE_EN_PAIEMENT",
    "ABANDONNEE",
    "SUPPRIMEE",
    "TECHNIQUE_INCONNU",
]

# Reference §4.2, complete enum, copied literally.
CIRCUIT_WORKS_ERROR_STATUSES = [
    "A_VALIDER_1",
    "VALIDEE_1",
    "REFUSEE_1",
    "ABSENCE_VALIDATION_1_HORS_DELAI",
    "A_VALIDER_2",
    "VALIDEE_2",
    "REFUSEE_2",
    "ABSENCE_VALIDATION_2_HORS_DELAI",
    "ERREUR_FOURNISSEUR_SUR_VALIDEUR",
    "ERREUR_COTRAITANT_SUR_VALIDEUR",
    "ERREUR_FOURNISSEUR_SUR_MOE",
    "ERREUR_MOE_SUR_FOURNISSEUR",
    "ERREUR_MOA_SUR_FOURNISSEUR",
    "ERREUR_FOURNISSEUR_SUR_MOA",
    "ERREUR_MOE_SUR_MOA",
    "ERREUR_DESTINATAIRE_PD",
    "ERREUR_DESTINATAIRE_EA",
    "ERREUR_DE_MOE",
    "ERREUR_DE_MOA",
    "ASSOCIEE",
    "EN_COURS_TRAITEMENT_PIVOT_S",
    "A_VALIDER_MOE",
    "REFUSEE_MOE",
    "EN_ATTENTE_RECYCLAGE_FOURNISSEUR",
    "NON_CONFORME",
    "A_ASSOCIER_MOE",
    "MISE_A_DISPOSITION_MOE",
    "PRISE_EN_COMPTE_MOE",
    "A_ASSOCIER_MOA",
    "REFUSEE_MOA",
    "A_ASSOCIER_FOURNISSEUR",
    "REFUSEE_FOURNISSEUR",
    "A_COMPLETER",
    "TRANSMISE_MOA",
    "REMPLACEE_PAR_A22",
    "DUPLIQUE_APRES_REFUS",
    "MISE_A_DISPOSITION_MOA",
    "PRISE_EN_COMPTE_MOA",
]
# PGF adds this one to the 56 codes of the swagger.
PGF_EXTRA = ["ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE"]

COLORS = {"success", "info", "warning", "danger", "muted"}


def test_reference_lists_are_the_56_code_enum():
    codes = A1_STATUSES + CIRCUIT_WORKS_ERROR_STATUSES
    assert len(codes) == len(set(codes)) == 56


@pytest.mark.parametrize("code", FLOW_STATES)
def test_every_flow_state_is_known_with_labels(code):
    state = catalogue.flow_state(code)
    assert state.known and state.code == code
    assert state.label_fr and state.label_en and state.label_fr != code
    assert state.color in COLORS


@pytest.mark.parametrize("code", A1_STATUSES + CIRCUIT_WORKS_ERROR_STATUSES + PGF_EXTRA)
def test_every_invoice_status_is_known_with_labels(code):
    status = catalogue.invoice_status(code)
    assert status.known and status.code == code
    assert status.label_fr and status.label_en and status.label_fr != code
    assert status.color in COLORS
    assert not (status.success and status.failure)
    assert bool(status.next_step_fr) == status.supplier_action == bool(status.next_step_en)


def test_catalogue_has_nothing_outside_the_reference():
    assert [code for code, _label in catalogue.flow_selection()] == FLOW_STATES
    assert {code for code, _label in catalogue.invoice_selection()} == set(
        A1_STATUSES + CIRCUIT_WORKS_ERROR_STATUSES + PGF_EXTRA
    )


def test_every_flow_state_has_one_outcome():
    outcomes = {state.code: state.outcome for state in catalogue.flow_states()}
    assert {code for code, outcome in outcomes.items() if outcome == catalogue.SUCCESS} == {
        "IN_INTEGRE",
        "IN_INTEGRE_PARTIEL",
    }
    assert {code for code, outcome in outcomes.items() if outcome == catalogue.FAILURE} == {
        "IN_REJETE",
        "IN_INCIDENTE",
        "QP_IRRECEVABLE",
        "QP_RECEVABLE_AVEC_ERREUR",
        "IN_A_RELANCER",
        "IN_ERREUR_INTERNE",
    }
    assert outcomes["IN_EN_ATTENTE_RETRAITEMENT_CPP"] == catalogue.RETRIED
    assert {
        code for code, outcome in outcomes.items() if outcome in (catalogue.SUCCESS, catalogue.FAILURE)
    } == catalogue.FLOW_FINAL_STATES
    assert all(
        catalogue.flow_state(code).next_step_en for code, o in outcomes.items() if o == catalogue.FAILURE
    )
    assert not catalogue.flow_state("IN_RECU").final


def test_the_readme_carries_the_flow_decision_table():
    usage = (Path(catalogue.__file__).parent.parent / "readme" / "USAGE.rst").read_text(encoding="utf-8")
    assert catalogue.flow_decision_table() in usage


def test_invoice_finals_are_paid_rejected_abandoned_deleted():
    assert {"MISE_EN_PAIEMENT", "REJETEE", "ABANDONNEE", "SUPPRIMEE"} == catalogue.INVOICE_FINAL_STATUSES
    assert catalogue.invoice_status("MISE_EN_PAIEMENT").success
    assert catalogue.invoice_status("REJETEE").failure


def test_mandated_is_final_only_when_the_buyer_never_reports_payment():
    assert not catalogue.is_final("MANDATEE")
    assert catalogue.is_final("MANDATEE", payment_status_not_reported=True)
    assert catalogue.is_final("MISE_EN_PAIEMENT")
    assert not catalogue.is_final("SUSPENDUE", payment_status_not_reported=True)


def test_suspended_invoice_tells_the_supplier_to_complete_it():
    status = catalogue.invoice_status("SUSPENDUE")
    assert status.supplier_action and not status.final
    assert status.next_step_fr == "Compléter la facture (pièces jointes, commentaire) sur Chorus Pro"
    assert status.color == "warning"


def test_invoice_to_recycle_tells_what_to_change():
    step = catalogue.invoice_status("A_RECYCLER").next_step_fr
    assert "service" in step and "engagement" in step and "destinataire" in step and "recycler" in step


def test_rejected_invoice_needs_a_credit_note_and_a_new_invoice():
    status = catalogue.invoice_status("REJETEE")
    assert status.final and status.supplier_action and status.color == "danger"
    assert "avoir" in status.next_step_fr and "nouvelle facture" in status.next_step_fr


def test_unknown_code_gives_a_generic_entry_that_is_not_final():
    status = catalogue.invoice_status("NOUVEAU_STATUT_2027")
    assert not status.known and not status.final and not status.supplier_action
    assert status.label_fr == status.label_en == "NOUVEAU_STATUT_2027"
    assert not catalogue.is_final("NOUVEAU_STATUT_2027")
    assert catalogue.flow_state("IN_NOUVEAU").label_fr == "IN_NOUVEAU"
    assert not catalogue.flow_state("IN_NOUVEAU").final


def test_entries_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue.invoice_status("DEPOSEE").final = True


def test_selections_are_code_and_english_label():
    selection = dict(catalogue.invoice_selection())
    assert selection["MISE_EN_PAIEMENT"] == "Paid out"
    assert dict(catalogue.flow_selection())["IN_INTEGRE"] == "Integrated"


def test_the_catalogue_says_which_statuses_ask_the_supplier_to_act_and_which_mean_paid():
    assert {"MISE_EN_PAIEMENT"} == catalogue.PAID_STATUSES
    assert {"SUSPENDUE", "A_RECYCLER", "REJETEE", "A_COMPLETER"} <= catalogue.SUPPLIER_ACTION_STATUSES
    assert all(catalogue.invoice_status(code).next_step_en for code in catalogue.SUPPLIER_ACTION_STATUSES)


def test_odoo_translates_every_label_and_next_step_through_the_po_with_the_catalogue_french():
    """Odoo shows catalogue texts through its .po only; the French there is the catalogue's (the CLI's)."""
    import polib

    po = polib.pofile(str(Path(catalogue.__file__).parent.parent / "i18n" / "fr.po"))
    french = {entry.msgid: entry for entry in po}
    states = [
        *catalogue.flow_states(),
        *(catalogue.invoice_status(c) for c, _ in catalogue.invoice_selection()),
    ]
    for status in states:
        for english, expected in (
            (status.label_en, status.label_fr),
            (status.next_step_en, status.next_step_fr),
        ):
            if english:
                entry = french[english]
                assert entry.msgstr == expected, english
                assert "odoo-python" in entry.comment, english
