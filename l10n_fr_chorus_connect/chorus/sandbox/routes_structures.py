"""``/cpro/structures/v1/...`` and ``/cpro/engagementsJuridiques/v1/rechercher``: the directory."""

from __future__ import annotations

import datetime

from ..values import (
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_SERVICE,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
)
from . import clock, directory, seed
from .answers import Context, error, missing, ok, page_request, paginate, search_answer

STRUCTURE_NOT_FOUND = (20001, "GST_MSG_01.001 - Structure introuvable.")
SERVICE_NOT_FOUND = (20001, "GST_MSG_02.001 - Service introuvable.")


def _listed(structure) -> dict:
    return {
        "idStructureCPP": structure.structure_id,
        "identifiantStructure": structure.siret,
        "designationStructure": structure.name,
        "typeIdentifiantStructure": "SIRET",
        "statut": "ACTIVE" if structure.active else "INACTIVE",
    }


def _structure_matches(structure, wanted: dict, ctx: Context, restrict_private: bool) -> bool:
    name = (wanted.get("raisonSocialeStructure") or "").strip().upper()
    checks = (
        not wanted.get("identifiantStructure")
        or structure.siret == str(wanted["identifiantStructure"]).strip(),
        wanted.get("typeIdentifiantStructure") in (None, "", "SIRET"),
        not name or name in structure.name.upper(),
        not wanted.get("statutStructure")
        or wanted["statutStructure"] == ("ACTIF" if structure.active else "INACTIF"),
        not wanted.get("typeStructure")
        or wanted["typeStructure"] == ("PUBLIQUE" if structure.public else "PRIVEE"),
        # Private structures are listed only when asked, or when they are the caller's own.
        structure.public or not restrict_private or structure.siret == ctx.account.structure_siret,
    )
    return all(checks)


def rechercher(ctx: Context, body: dict) -> dict:
    wanted = body.get("structure") or {}
    restrict_private = body.get("restreindreStructuresPrivees") is not False
    found = [
        _listed(structure)
        for structure in directory.all_structures()
        if _structure_matches(structure, wanted, ctx, restrict_private)
    ]
    return search_answer(ctx, found, body.get("parametres"), "listeStructures")


def _parametres(structure) -> dict:
    requirement = structure.requirement
    return {
        "codeServiceDoitEtreRenseigne": requirement
        in (REQUIREMENT_SERVICE, REQUIREMENT_SERVICE_AND_ENGAGEMENT),
        "numeroEJDoitEtreRenseigne": requirement
        in (REQUIREMENT_ENGAGEMENT, REQUIREMENT_SERVICE_AND_ENGAGEMENT),
        "gestionNumeroEJOuCodeService": requirement == REQUIREMENT_SERVICE_OR_ENGAGEMENT,
        "connexionEDI": False,
        "estMoaUniquement": False,
        "estValideurDelegue": False,
        "getaMoa": False,
        "nonDiffusibleInsee": False,
        "recevoirDonneesViaEDI": False,
        "statutMiseEnPaiementNestPasRemonte": structure.payment_status_not_reported,
    }


def consulter(ctx: Context, body: dict) -> dict:
    if body.get("idStructureCPP") in (None, ""):
        return missing("idStructureCPP")
    structure = directory.structure_by_id(body["idStructureCPP"])
    if structure is None:
        return error(*STRUCTURE_NOT_FOUND)
    general = {
        "idStructureCPP": structure.structure_id,
        "identifiantStructure": structure.siret,
        "typeIdentifiantStructure": "SIRET",
        "raisonSocialeStructure": structure.name,
        "libelleStructure": structure.name,
        "emailStructure": structure.email,
        "numeroTVA": structure.vat_number,
        "structurePriveePublique": "PUBLIQUE" if structure.public else "PRIVEE",
        "estValideurDeleguee": False,
    }
    if structure.siret == ctx.account.structure_siret and ctx.fault[0] != "no_password_expiry":
        # The technical password must be changed every 424 days; the sandbox keeps it fresh.
        expiry = ctx.now + 200 * 86400
        general["dateExpirationMotPasseCompteTech"] = clock.fmt_iso(expiry)
    return ok(
        informationGenerales=general,
        adressePostaleDuSiege={
            "adresse": structure.street,
            "complementAdresse1": "",
            "complementAdresse2": "",
            "codePostal": structure.zip_code,
            "ville": structure.city,
            "pays": "FR",
        },
        parametres=_parametres(structure),
    )


def _listed_service(service) -> dict:
    return {
        "idService": service.service_id,
        "codeService": service.code,
        "libelleService": service.name,
        "estActif": service.active,
        "statutService": "ACTIF" if service.active else "INACTIF",
        "dateDbtService": service.valid_from,
        "dateFinService": service.valid_to,
    }


def rechercher_services(ctx: Context, body: dict) -> dict:
    if body.get("idStructure") in (None, ""):
        return missing("idStructure")
    structure = directory.structure_by_id(body["idStructure"])
    page, size = page_request(
        ctx, body.get("parametresRechercherServicesStructure"), cap=ctx.config.services_page_cap
    )
    services = [_listed_service(service) for service in structure.services] if structure else []
    chunk, info = paginate(services, page, size)
    return ok(listeServices=chunk, parametresRetour=info)


def _iso_from_minute(value: str) -> str:
    moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=clock.PARIS)
    return moment.isoformat()


def consulter_service(ctx: Context, body: dict) -> dict:
    for key in ("idStructure", "idService"):
        if body.get(key) in (None, ""):
            return missing(key)
    structure = directory.structure_by_id(body["idStructure"])
    service = directory.service_by_id(structure, body["idService"]) if structure else None
    if service is None:
        return error(*SERVICE_NOT_FOUND)
    return ok(
        informationsGenerales={
            "codeService": service.code,
            "nomService": service.name,
            "descriptionService": service.name,
        },
        adressePostale={
            "adresse": structure.street,
            "codePostal": structure.zip_code,
            "ville": structure.city,
            "pays": "FR",
        },
        parametres={
            "dateCreation": _iso_from_minute(service.valid_from),
            "dateDebutValidite": _iso_from_minute(service.valid_from),
            "dateFinValidite": _iso_from_minute(service.valid_to),
            "dateModification": _iso_from_minute(service.valid_from),
            "miseEnPaiement": not structure.payment_status_not_reported,
            "numeroEngagement": service.engagement_required,
        },
    )


def rechercher_engagements(ctx: Context, body: dict) -> dict:
    own = directory.structure_by_siret(ctx.account.structure_siret)
    supplier_id = str(body.get("structureReceptriceEngagementJuridique") or own.structure_id).strip()
    number = str(body.get("numeroEngagementJuridique") or "").strip()
    state = body.get("etatCourantEngagementJuridique")
    found = []
    for engagement in directory.engagements():
        supplier = directory.structure_by_siret(engagement.supplier_siret)
        if str(supplier.structure_id) != supplier_id or (number and engagement.number != number):
            continue
        if state and engagement.state != state:
            continue
        found.append(
            {
                "idEngagementJuridique": engagement.engagement_id,
                "numeroEngagementJuridique": engagement.number,
                "libelleEtatCourantEJ": seed.ENGAGEMENT_STATES[engagement.state],
                "structureReceptrice": str(supplier.structure_id),
                "codeServiceExecutant": engagement.service_code,
                "montantTotalTtc": float(engagement.amount),
            }
        )
    return search_answer(ctx, found, body.get("parametresRecherche"), "listeEngagementJuridique")


ROUTES = {
    "structures/v1/rechercher": rechercher,
    "structures/v1/consulter": consulter,
    "structures/v1/rechercher/services": rechercher_services,
    "structures/v1/consulter/service": consulter_service,
    "engagementsJuridiques/v1/rechercher": rechercher_engagements,
}
