"""Chorus Pro billing frameworks (« cadres de facturation »): who deposits what, and their rules.

One row per framework a supplier's software deposits. Sources, per fact:

* codes ``A1_FACTURE_FOURNISSEUR`` … ``A14_PROJET_DECOMPTE_FINAL_COTRAITANT``: the ``cadreFacturation``
  enum of the published Swagger (``reference/chorus-openapi/factures.json``); short codes and French
  labels: invopop/gobl ``addons/fr/choruspro/extensions.go``; the works drafts A4, A7, A8, A10, A13,
  A14 next to A1, A2, A9, A12 as the frameworks a supplier's software may produce: Akuiteo's Chorus
  help ("les autres modes (A4, A7, A8, A9, A10, A12, A13, A14, A22) ne sont pas gérés").
* A9 / A12 need the validator (« codeStructureValideur », the main contractor or the lead
  co-contractor): the API documentation copied by production clients ("Si le cadre de facturation est
  un cadre de facturation de cotraitant ou de sous-traitant (A9, A12) alors le valideur doit
  obligatoirement être renseigné", thierryjmartin/facturation_electronique; same in
  turbo124/piste-gouv-fr and the PHP enum of ``recupererCadreFacturation``).
* A2 must be paid in full: invopop/gobl ``addons/fr/choruspro/bill.go`` rule 06 ("must be paid in
  full for framework 'A2'"); in CII that is BT-115 DuePayableAmount = 0.
* Works drafts go to the project manager (maîtrise d'œuvre, MOE) first, with a MOE service code:
  EDI annex V4.21 changelog "Ajout du code service MOE pour les projets de décompte"; the MOE statuses
  (A_VALIDER_MOE, MISE_A_DISPOSITION_MOE, PRISE_EN_COMPTE_MOE, REFUSEE_MOE…) of the Swagger enum.
* Works flows: E4 (structured) / E5 (mixed) since February 2024, while "E1 et E2 … peuvent
  techniquement porter tout type de facture" (Chorus Pro portal, "flux E1…E5" article). The published
  Swagger's ``syntaxeFlux`` enum has no E4/E5 value, so every framework deposits with
  ``IN_DP_E2_CII_FACTURX``; ``flow_family`` records the family the portal names.

Not confirmed from public sources (inferred, and the sandbox plays them strictly):

* where Chorus Pro reads the validator and the MOE in a Factur-X: EN 16931 has no party for them and
  the EDI annex tables were not readable; we write them as invoice notes (BG-1, subject code AAI)
  with the fixed prefixes below, which the EN 16931 XSD and schematron accept;
* BT-23 (``BusinessProcessSpecifiedDocumentContextParameter``) carrying the short code (``A9``):
  Divalto's Factur-X writer documents "BusinessProcess ;A1 A2 etc", nothing official was read;
* credit notes refused for works drafts: a « décompte » is corrected by the next one (CCAG Travaux),
  no source states how Chorus Pro treats an AVOIR in a works framework;
* whether A10/A13/A14 need the main contractor as well as the MOE: we require both.

>>> framework("A9").code
'A9_FACTURE_SOUSTRAITANT'
>>> framework("A9_FACTURE_SOUSTRAITANT").short
'A9'
>>> problems(framework("A2"), is_credit_note=False, amount_due=Decimal("12.00"))
['not_paid']
>>> problems(framework("A4"), is_credit_note=True, amount_due=None, moe_siret="x")
['credit_note_not_allowed', 'moe_invalid', 'moe_service_missing']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .identifiers import siret_error
from .values import SYNTAX_FACTURX

FACTURX_SYNTAX = SYNTAX_FACTURX
DEFAULT = "A1"

MAIN_CONTRACTOR_NOTE = "Titulaire du marché (valideur) : SIRET %s ; service %s"
MOE_NOTE = "Maîtrise d'œuvre : SIRET %s ; service %s"
PARTY_NOTE_SUBJECT = "AAI"  # UNTDID 4451 "General information"
_MAIN_CONTRACTOR_PREFIX = MAIN_CONTRACTOR_NOTE.split(" : ", maxsplit=1)[0]
_MOE_PREFIX = MOE_NOTE.split(" : ", maxsplit=1)[0]
_PARTY_RE = re.compile(r"SIRET\s*(?P<siret>\S*)\s*;\s*service\s*(?P<service>.*)$")


def _(text: str) -> str:
    """Marks an English label for Odoo's translation export; Odoo translates it through the .po."""
    return text


@dataclass(frozen=True)
class Framework:
    short: str
    code: str
    label_fr: str
    label_en: str
    works: bool = False
    main_contractor: bool = False
    moe: bool = False
    paid_required: bool = False
    credit_note_allowed: bool = True
    flow_family: str = "E2"
    syntax: str = FACTURX_SYNTAX


def _works(short, code, label_fr, label_en, main_contractor=False):
    return Framework(
        short,
        code,
        label_fr,
        label_en,
        works=True,
        main_contractor=main_contractor,
        moe=True,
        credit_note_allowed=False,
        flow_family="E5",
    )


FRAMEWORKS = (
    Framework("A1", "A1_FACTURE_FOURNISSEUR", "Facture d'un fournisseur", _("Supplier invoice")),
    Framework(
        "A2",
        "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
        "Facture déjà payée (paiement à la commande, carte)",
        _("Invoice already paid (payment with the order, card)"),
        paid_required=True,
    ),
    Framework(
        "A9",
        "A9_FACTURE_SOUSTRAITANT",
        "Facture d'un sous-traitant (paiement direct)",
        _("Subcontractor invoice (direct payment)"),
        main_contractor=True,
    ),
    Framework(
        "A12",
        "A12_FACTURE_COTRAITANT",
        "Facture d'un cotraitant",
        _("Co-contractor invoice"),
        main_contractor=True,
    ),
    _works(
        "A4",
        "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
        "Travaux : projet de décompte mensuel",
        _("Works: monthly draft statement"),
    ),
    _works(
        "A7",
        "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
        "Travaux : projet de décompte final",
        _("Works: final draft statement"),
    ),
    _works(
        "A8",
        "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
        "Travaux : décompte général et définitif",
        _("Works: general and final statement"),
    ),
    _works(
        "A10",
        "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
        "Travaux : projet de décompte mensuel d'un sous-traitant",
        _("Works: subcontractor's monthly draft statement"),
        main_contractor=True,
    ),
    _works(
        "A13",
        "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
        "Travaux : projet de décompte mensuel d'un cotraitant",
        _("Works: co-contractor's monthly draft statement"),
        main_contractor=True,
    ),
    _works(
        "A14",
        "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
        "Travaux : projet de décompte final d'un cotraitant",
        _("Works: co-contractor's final draft statement"),
        main_contractor=True,
    ),
)
_BY_KEY = {key: entry for entry in FRAMEWORKS for key in (entry.short, entry.code)}


def framework(key: str) -> Framework | None:
    """The framework named by its short code (``A9``) or Chorus code; ``None`` when unknown."""
    return _BY_KEY.get((key or "").strip())


def selection() -> list[tuple[str, str]]:
    """``(short, English label)`` pairs for an Odoo selection field."""
    return [(entry.short, f"{entry.short} – {entry.label_en}") for entry in FRAMEWORKS]


def problems(
    entry: Framework,
    *,
    is_credit_note: bool,
    amount_due: Decimal | None,
    main_contractor_siret: str = "",
    moe_siret: str = "",
    moe_service: str = "",
) -> list[str]:
    """Keys of the framework rules this invoice breaks (each side words them for its reader)."""
    found = []
    if is_credit_note and not entry.credit_note_allowed:
        found.append("credit_note_not_allowed")
    if entry.paid_required and not is_credit_note and (amount_due is None or amount_due != 0):
        found.append("not_paid")
    if entry.main_contractor:
        if not main_contractor_siret:
            found.append("main_contractor_missing")
        elif siret_error(main_contractor_siret):
            found.append("main_contractor_invalid")
    if entry.moe:
        if not moe_siret:
            found.append("moe_missing")
        elif siret_error(moe_siret):
            found.append("moe_invalid")
        if not moe_service:
            found.append("moe_service_missing")
    return found


def party_note(template: str, siret: str, service: str) -> str:
    return template % ((siret or "").strip(), (service or "").strip())


def read_party_notes(notes: list[str]) -> dict[str, tuple[str, str]]:
    """``{"main_contractor": (siret, service), "moe": (siret, service)}`` from the invoice notes."""
    parties = {}
    for text in notes:
        for key, prefix in (("main_contractor", _MAIN_CONTRACTOR_PREFIX), ("moe", _MOE_PREFIX)):
            if text.startswith(prefix):
                match = _PARTY_RE.search(text)
                if match:
                    parties[key] = (match["siret"].strip(), match["service"].strip())
    return parties
