"""``/cpro/transverses/v1/...``: flow report, supplier structures, bank accounts, VAT rates, health."""

from __future__ import annotations

import json

from . import clock, directory, flows
from .answers import FLOW_NOT_FOUND, Context, error, missing, ok

HEALTH = {
    "statusCodeValue": 200,
    "statusCode": "OK",
    "body": "L'API CPRO est actuellement disponible et fonctionnel.",
}
VAT_RATES = [
    {"codeTauxTva": "TVA1", "libelleTauxTva": "Art 293B(FranchiseEnBase)", "valeurTauxTva": 0},
    {"codeTauxTva": "TVA2", "libelleTauxTva": "Taux particulier", "valeurTauxTva": 2.1},
    {"codeTauxTva": "TVA3", "libelleTauxTva": "Taux reduit", "valeurTauxTva": 5.5},
    {"codeTauxTva": "TVA4", "libelleTauxTva": "Taux intermediaire", "valeurTauxTva": 10},
    {"codeTauxTva": "TVA5", "libelleTauxTva": "Taux normal", "valeurTauxTva": 20},
]


def consulter_cr_detaille(ctx: Context, body: dict) -> dict:
    if not body.get("numeroFluxDepot"):
        return missing("numeroFluxDepot")
    flow = flows.find(ctx.db, body["numeroFluxDepot"], ctx.account.structure_siret)
    if flow is None:
        return error(*FLOW_NOT_FOUND)
    current, since = flows.state(flow, ctx.now)
    answer = ok(
        codeInterfaceDepotFlux=f"FSO{flow['interface_code']}A",
        dateDepotFlux=clock.fmt_iso(flow["deposited_at"]),
        dateHeureEtatCourantFlux=clock.fmt_iso(since),
        etatCourantDepotFlux=current,
        nomFichier=f"FSO{flow['interface_code']}A_CPP001_{flow['number']}",
    )
    if current != flows.PENDING:
        invoice_errors = json.loads(flow["invoice_errors"])
        technical_errors = json.loads(flow["technical_errors"])
        if invoice_errors:
            answer["listeErreurDP"] = invoice_errors
        if technical_errors:
            answer["listeErreurTechnique"] = technical_errors
    return answer


def structures_actives_fournisseur(ctx: Context, body: dict) -> dict:
    structure = directory.structure_by_siret(ctx.account.structure_siret)
    return ok(
        listeStructures=[
            {
                "idStructureCPP": structure.structure_id,
                "identifiant": structure.siret,
                "designationStructure": structure.name,
            }
        ]
    )


def coordonnees_bancaires(ctx: Context, body: dict) -> dict:
    if body.get("idStructure") in (None, ""):
        return missing("idStructure")
    own = directory.structure_by_siret(ctx.account.structure_siret)
    accounts = ctx.account.bank_accounts if str(body["idStructure"]) == str(own.structure_id) else ()
    return ok(
        listeCoordonneeBancaire=[
            {"idCoordonneeBancaire": bank_id, "nomCoordonneeBancaire": name}
            for bank_id, name, _iban in accounts
        ]
    )


def taux_tva(ctx: Context, body: dict) -> dict:
    return ok(listeTauxTva=VAT_RATES)


def health_check(ctx: Context, body: dict) -> dict:
    return dict(HEALTH)


ROUTES = {
    "transverses/v1/consulterCRDetaille": consulter_cr_detaille,
    "transverses/v1/recuperer/structures/actives/fournisseur": structures_actives_fournisseur,
    "transverses/v1/recuperer/coordbanc/valides": coordonnees_bancaires,
    "transverses/v1/recuperer/tauxtva": taux_tva,
}
GET_ROUTES = {"transverses/v1/health-check": health_check}
