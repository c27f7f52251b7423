"""``/cpro/factures/v1/...``: deposit a flow, search issued invoices, invoice status history."""

from __future__ import annotations

import base64
import binascii

from . import clock, directory, flows, lifecycle
from .answers import Context, error, missing, money, ok, page_request, paginate, search_answer

INVOICE_NOT_FOUND = (20001, "GFA_MSG_01.001 - Facture introuvable.")
TYPES = {"380": "FACTURE", "381": "AVOIR"}
DEPOSIT_MODE = "UPLOAD_API"


def deposer_flux(ctx: Context, body: dict) -> dict:
    for key in ("fichierFlux", "nomFichier", "syntaxeFlux"):
        if not body.get(key):
            return missing(key)
    syntax = body["syntaxeFlux"]
    if syntax not in flows.SYNTAXES:
        return error(20003, f"GDP_MSG_11.010 - La syntaxe de flux {syntax} est inconnue.")
    try:
        content = base64.b64decode(body["fichierFlux"], validate=True)
    except (binascii.Error, ValueError, TypeError):
        return error(20002, "GDP_MSG_11.001 - Le fichier du flux n'est pas encode en base 64.")
    if not content:
        return error(20002, "GDP_MSG_11.001 - Le fichier du flux est vide.")
    archive = str(body["nomFichier"]).lower().endswith((".zip", ".tar.gz", ".tgz"))
    if len(content) > (ctx.config.max_archive_size if archive else ctx.config.max_file_size):
        return error(20001, "GDP_MSG_11.022")
    flow = flows.deposit(ctx, content, str(body["nomFichier"]), syntax)
    return ok(
        numeroFluxDepot=flow["number"], dateDepot=clock.fmt_date(flow["deposited_at"]), syntaxeFlux=syntax
    )


def _visible_invoices(ctx: Context, supplier_siret: str, body: dict):
    query = (
        "SELECT i.*, f.number AS flow_number, f.deposited_at, "
        " (SELECT e.id FROM invoice_events e WHERE e.invoice_id = i.id AND e.at <= :now"
        "  ORDER BY e.at DESC, e.id DESC LIMIT 1) AS event_id "
        "FROM invoices i JOIN flows f ON f.id = i.flow_id "
        "WHERE i.supplier_siret = :supplier AND f.ready_at <= :now"
    )
    params = {"now": ctx.now, "supplier": supplier_siret}
    if body.get("numeroFluxDepot"):
        query += " AND f.number = :flow"
        params["flow"] = body["numeroFluxDepot"]
    if body.get("numeroFacture"):
        query += " AND i.number = :number"
        params["number"] = body["numeroFacture"]
    return ctx.db.execute(query, params).fetchall()


def _in_period(value: float, start, end) -> bool:
    return (start is None or value >= start) and (end is None or value <= end)


def _matches(row, event, body: dict) -> bool:
    statuses = body.get("statutCourant")
    if isinstance(statuses, str):
        statuses = [statuses]
    if statuses and event["status"] not in statuses:
        return False
    if body.get("typeFacture") and TYPES.get(row["type_code"]) != body["typeFacture"]:
        return False
    changed_from = clock.parse_moment(body.get("periodeDateHeureEtatCourantDu"))
    changed_to = clock.parse_moment(body.get("periodeDateHeureEtatCourantAu"), end_of_day=True)
    if not _in_period(event["at"], changed_from, changed_to):
        return False
    deposit_day = clock.local_date(row["deposited_at"])
    deposit_from = clock.parse_day(body.get("periodeDateDepotDu"))
    deposit_to = clock.parse_day(body.get("periodeDateDepotAu"))
    return (deposit_from is None or deposit_day >= deposit_from) and (
        deposit_to is None or deposit_day <= deposit_to
    )


SORT_KEYS = {
    "IdentifiantFactureCPP": lambda item: item["identifiantFactureCPP"],
    "NumeroFacture": lambda item: item["numeroFacture"],
    "DateDepot": lambda item: (item["dateDepot"], item["identifiantFactureCPP"]),
    "DateFacture": lambda item: (item["dateFacture"] or "", item["identifiantFactureCPP"]),
    "Statut": lambda item: (item["statut"], item["identifiantFactureCPP"]),
    "NumeroFluxDepot": lambda item: (item["numeroFluxDepot"], item["identifiantFactureCPP"]),
}


def _invoice_item(row, event) -> dict:
    buyer = directory.structure_by_siret(row["buyer_siret"])
    service = directory.service_by_code(buyer, row["service_code"]) if buyer and row["service_code"] else None
    supplier = directory.structure_by_siret(row["supplier_siret"])
    return {
        "identifiantFactureCPP": row["id"],
        "numeroFacture": row["number"],
        "statut": event["status"],
        "typeDemandePaiement": "FACTURE",
        "typeFacture": TYPES.get(row["type_code"], "FACTURE"),
        "dateFacture": row["issue_date"],
        "dateDepot": clock.fmt_date(row["deposited_at"]),
        "montantHT": money(row["amount_untaxed"]),
        "montantTTC": money(row["amount_total"]),
        "montantAPayer": money(row["amount_due"]),
        "devise": row["currency"],
        "numeroFluxDepot": row["flow_number"],
        "numeroMarche": row["market"],
        "numeroBonCommande": row["engagement"],
        "numeroFactureOrigine": "",
        "modeDepot": DEPOSIT_MODE,
        "codeFournisseur": row["supplier_siret"],
        "typeIdentifiantFournisseur": "SIRET",
        "designationFournisseur": supplier.name if supplier else "",
        "idDestinataire": buyer.structure_id if buyer else None,
        "codeDestinataire": row["buyer_siret"],
        "designationDestinataire": buyer.name if buyer else "",
        "idServiceExecutant": service.service_id if service else None,
        "codeServiceExecutant": row["service_code"],
        "nomServiceExecutant": service.name if service else "",
        "dateHeureEtatCourant": clock.fmt_iso(event["at"]),
        "commentaireEtatCourant": event["comment"],
        "rejetTraite": False,
    }


def rechercher_fournisseur(ctx: Context, body: dict) -> dict:
    supplier_siret = ctx.account.structure_siret
    supplier = directory.structure_by_siret(supplier_siret)
    wanted_supplier = body.get("idFournisseur")
    params = body.get("rechercheFactureParFournisseur") or {}
    items = []
    if not wanted_supplier or str(wanted_supplier) == str(supplier.structure_id):
        rows = [row for row in _visible_invoices(ctx, supplier_siret, body) if row["event_id"] is not None]
        events = _events_by_id(ctx, [row["event_id"] for row in rows])
        items = [
            _invoice_item(row, events[row["event_id"]])
            for row in rows
            if _matches(row, events[row["event_id"]], body)
        ]
    column = params.get("triColonne") if params.get("triColonne") in SORT_KEYS else "IdentifiantFactureCPP"
    items.sort(key=SORT_KEYS[column], reverse=params.get("triSens") == "Descendant")
    maximum = params.get("nbResultatsMaximum")
    if isinstance(maximum, int) and maximum > 0:
        items = items[:maximum]
    return search_answer(ctx, items, params, "listeFactures")


def _events_by_id(ctx: Context, ids: list) -> dict:
    found = {}
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        marks = ",".join("?" * len(batch))
        for row in ctx.db.execute(
            f"SELECT id, status, at, comment FROM invoice_events WHERE id IN ({marks})", batch
        ):
            found[row["id"]] = row
    return found


def consulter_historique(ctx: Context, body: dict) -> dict:
    invoice_id = body.get("idFacture")
    if invoice_id in (None, ""):
        return missing("idFacture")
    row = ctx.db.execute(
        "SELECT i.* FROM invoices i JOIN flows f ON f.id = i.flow_id "
        "WHERE i.id = ? AND i.supplier_siret = ? AND f.ready_at <= ?",
        (_as_int(invoice_id), ctx.account.structure_siret, ctx.now),
    ).fetchone()
    if row is None:
        return error(*INVOICE_NOT_FOUND)
    history = lifecycle.events(ctx.db, row["id"], ctx.now)
    params = body.get("paramRechercheHistoStatuts") or {}
    page, size = page_request(
        ctx, params, "pageResultatDemandeeListeHistoStatut", "nbResultatsParPageListeHistoStatut"
    )
    entries = [
        {
            "histoStatutId": event["id"],
            "histoStatutCode": event["status"],
            "histoStatutDatePassage": clock.fmt_minute(event["at"]),
            "histoStatutCommentaire": event["comment"],
        }
        for event in history
    ]
    ascending = params.get("triSensListeHistoStatut") == "Ascendant" or (
        not params.get("triSensListeHistoStatut") and not ctx.config.history_newest_first
    )
    if not ascending:
        entries.reverse()
    chunk, info = paginate(entries, page, size)
    return ok(
        idFacture=row["id"],
        numeroFacture=row["number"],
        modeDepot=DEPOSIT_MODE,
        statutCourantCode=history[-1]["status"],
        historiquesDesStatuts={
            "histoStatut": chunk,
            "pageCouranteHistoStatut": info["pageCourante"],
            "pagesHistoStatut": info["pages"],
            "nbResultatsParPageHistoStatut": info["nbResultatsParPage"],
            "totalHistoStatut": info["total"],
        },
        historiquesDesEvenementsComplementaires={"evenement": []},
        historiquesDesActionsUtilisateurs={"histoAction": []},
    )


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


ROUTES = {
    "factures/v1/deposer/flux": deposer_flux,
    "factures/v1/rechercher/fournisseur": rechercher_fournisseur,
    "factures/v1/consulter/historique": consulter_historique,
}
