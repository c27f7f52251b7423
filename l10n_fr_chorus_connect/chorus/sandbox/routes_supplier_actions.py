"""The supplier's answers to a buyer: ``consulter/fournisseur``, ``completer``, ``recycler``,
``rechercher/atraiter/fournisseur`` and the attachment upload ``transverses/v1/ajouter/fichier``.

Stricter than the real service wherever a rule is not published:

* ``completer`` only at SUSPENDUE, with a comment or at least one attachment uploaded by this
  supplier and not yet attached; the invoice's attachments together within 120 Mo. It answers
  COMPLETEE at once and the invoice is made available again (MISE_A_DISPOSITION) one step later.
* ``recycler`` only at A_RECYCLER, with a new service and/or engagement number (or recipient), each
  checked as at integration (:func:`.rules._routing_errors`: unknown or inactive service,
  FACTURES_PUBLIQUES, engagement the buyer requires), plus an engagement known to the directory,
  given to this supplier, for this buyer and not closed. The invoice is routed again
  (EN_COURS_ACHEMINEMENT, with the change in the comment), then MISE_A_DISPOSITION one step later.
* ``ajouter/fichier``: Chorus Pro's attachment rules (:mod:`chorus.supplier_actions`); over
  10 Mo answers 20003, the code go-choruspro documents.

Return codes and labels other than 20001/20002/20003 are not published: they follow the style
of the documented ones (``GFA_MSG_..`` for invoices), and are marked here as the sandbox's own.
"""

from __future__ import annotations

import base64
import binascii
import types

from ..supplier_actions import (
    ACTION_STATUSES,
    INVOICE_FOLDER_MAX_BYTES,
    SUSPENDED,
    TO_RECYCLE,
    attachment_problems,
)
from . import clock, directory, lifecycle, rules
from .answers import Context, error, missing, ok, search_answer
from .routes_factures import INVOICE_NOT_FOUND, TYPES

COMPLETED = "COMPLETEE"
ROUTING = "EN_COURS_ACHEMINEMENT"
# The sandbox's own codes (not published; see the module docstring).
WRONG_STATUS = 20010
BAD_ATTACHMENT = 20011
BAD_ROUTING = 20012
FILE_REFUSED = 20002
FILE_TOO_LARGE = (20003, "TRA_MSG_00.020 - La piece jointe ne doit pas depasser 10Mo.")
STATUSES_TO_ACT_ON = (SUSPENDED, TO_RECYCLE, lifecycle.REJETEE)


def _invoice(ctx: Context, body: dict):
    try:
        chorus_id = int(body.get("identifiantFactureCPP"))
    except (TypeError, ValueError):
        return None
    return ctx.db.execute(
        "SELECT i.* FROM invoices i JOIN flows f ON f.id = i.flow_id "
        "WHERE i.id = ? AND i.supplier_siret = ? AND f.ready_at <= ?",
        (chorus_id, ctx.account.structure_siret, ctx.now),
    ).fetchone()


def _invoice_or_refusal(ctx: Context, body: dict, action: str = ""):
    """``(row, None)`` for the invoice ``body`` names (at the status ``action`` needs, if given),
    else ``(None, refusal)``."""
    if body.get("identifiantFactureCPP") in (None, ""):
        return None, missing("identifiantFactureCPP")
    row = _invoice(ctx, body)
    if row is None:
        return None, error(*INVOICE_NOT_FOUND)
    if action:
        status = _status(ctx, row)
        if status != ACTION_STATUSES[action]:
            return None, _wrong_status(row, status, action)
    return row, None


def _status(ctx: Context, row) -> str:
    current = lifecycle.current(ctx.db, row["id"], ctx.now)
    return current["status"] if current else ""


def _wrong_status(row, status: str, action: str) -> dict:
    expected = ACTION_STATUSES[action]
    verb = "completee" if action == "complete" else "recyclee"
    return error(
        WRONG_STATUS,
        f"GFA_MSG_02.010 - La facture {row['number']} est au statut {status} : "
        f"seule une facture au statut {expected} peut etre {verb}.",
    )


def _move_on(ctx: Context, row, status: str, comment: str) -> float:
    """``status`` now, then made available to the buyer again one step later."""
    at = lifecycle.act(ctx.db, row["id"], row["integrated_at"], ctx.now, status, comment)
    ctx.db.execute(
        "INSERT INTO invoice_events (invoice_id, status, at, comment, author) VALUES (?, ?, ?, '', '')",
        (row["id"], lifecycle.MISE_A_DISPOSITION, at + max(ctx.step_delay, 0.001)),
    )
    return at


# ---------------------------------------------------------------------------- consulter


def consulter_fournisseur(ctx: Context, body: dict) -> dict:
    row, refusal = _invoice_or_refusal(ctx, body)
    if refusal:
        return refusal
    buyer = directory.structure_by_siret(row["buyer_siret"])
    service = directory.service_by_code(buyer, row["service_code"]) if buyer and row["service_code"] else None
    size = ctx.db.execute(
        "SELECT COALESCE(SUM(size), 0) FROM files WHERE invoice_id = ?", (row["id"],)
    ).fetchone()[0]
    recipient = {"codeDestinataire": row["buyer_siret"], "codeServiceExecutant": row["service_code"]}
    if buyer:
        recipient.update(idDestinataire=buyer.structure_id, libelleDestinataire=buyer.name)
    if service:
        recipient.update(idServiceExecutant=service.service_id, libelleServiceExecutant=service.name)
    return ok(
        facture={
            "identifiantFactureCPP": row["id"],
            "numeroFacture": row["number"],
            "statutFacture": _status(ctx, row),
            "modeDepot": "DEPOT_FLUX",
            "rejetTraite": False,
            "destinataire": recipient,
            "references": {
                "dateFacture": row["issue_date"] or "",
                "typeFacture": TYPES.get(row["type_code"], "FACTURE"),
                "numeroMarche": row["market"],
                "numeroBonCommande": row["engagement"],
                "tailleTotalePiecesJointes": size,
            },
        }
    )


# ---------------------------------------------------------------------------- ajouter/fichier


def ajouter_fichier(ctx: Context, body: dict) -> dict:
    for key in ("pieceJointeFichier", "pieceJointeNom", "pieceJointeTypeMime", "pieceJointeExtension"):
        if not body.get(key):
            return missing(key)
    name, extension = str(body["pieceJointeNom"]), str(body["pieceJointeExtension"]).lower().lstrip(".")
    if not name.lower().endswith(f".{extension}"):
        return error(FILE_REFUSED, f"TRA_MSG_00.021 - Le nom {name} ne porte pas l'extension {extension}.")
    try:
        content = base64.b64decode(body["pieceJointeFichier"], validate=True)
    except (binascii.Error, ValueError, TypeError):
        return error(FILE_REFUSED, "TRA_MSG_00.022 - Le fichier n'est pas encode en base 64.")
    problems = attachment_problems(name, len(content))
    if "size" in problems:
        return error(*FILE_TOO_LARGE)
    if problems:
        return error(
            FILE_REFUSED,
            f"TRA_MSG_00.023 - La piece jointe {name} est refusee ({', '.join(problems)}) : 50 caracteres "
            "au plus, une extension autorisee, un fichier non vide.",
        )
    cursor = ctx.db.execute(
        "INSERT INTO files (supplier_siret, name, size) VALUES (?, ?, ?)",
        (ctx.account.structure_siret, name, len(content)),
    )
    return ok(pieceJointeId=cursor.lastrowid)


# ---------------------------------------------------------------------------- completer


def completer(ctx: Context, body: dict) -> dict:
    row, refusal = _invoice_or_refusal(ctx, body, "complete")
    if refusal:
        return refusal
    attachments = body.get("pieceJointeComplementaire") or []
    comment = (body.get("commentaire") or "").strip()
    if not attachments and not comment:
        return error(
            BAD_ATTACHMENT,
            "GFA_MSG_02.011 - Une piece jointe ou un commentaire est obligatoire pour completer la facture.",
        )
    files = []
    for item in attachments:
        file_id = item.get("pieceJointeComplementaireId")
        found = ctx.db.execute(
            "SELECT * FROM files WHERE id = ? AND supplier_siret = ?",
            (file_id, ctx.account.structure_siret),
        ).fetchone()
        if found is None or found["invoice_id"] is not None:
            return error(
                BAD_ATTACHMENT,
                f"GFA_MSG_02.012 - La piece jointe {file_id} est introuvable "
                "ou deja rattachee a une facture.",
            )
        files.append((found, item.get("pieceJointeComplementaireDesignation") or found["name"]))
    attached = ctx.db.execute(
        "SELECT COALESCE(SUM(size), 0) FROM files WHERE invoice_id = ?", (row["id"],)
    ).fetchone()[0]
    if attached + sum(found["size"] for found, _name in files) > INVOICE_FOLDER_MAX_BYTES:
        return error(BAD_ATTACHMENT, "GFA_MSG_02.013 - Les pieces jointes de la facture depassent 120 Mo.")
    for found, designation in files:
        ctx.db.execute(
            "UPDATE files SET invoice_id = ?, designation = ? WHERE id = ?",
            (row["id"], designation, found["id"]),
        )
    names = ", ".join(designation for _found, designation in files)
    note = " | ".join(part for part in (comment, f"Pieces jointes : {names}" if names else "") if part)
    at = _move_on(ctx, row, COMPLETED, note)
    return ok(identifiantFactureCPP=row["id"], numeroFacture=row["number"], dateTraitement=clock.fmt_iso(at))


# ---------------------------------------------------------------------------- recycler


def _engagement_problem(buyer_siret: str, supplier_siret: str, number: str) -> str:
    records = [
        record
        for record in directory.engagements()
        if record.number == number
        and record.buyer_siret == buyer_siret
        and record.supplier_siret == supplier_siret
    ]
    if not records:
        return f"Le numero d'engagement {number} est inconnu pour la structure destinataire {buyer_siret}."
    if all(record.state == "CLOTURE" for record in records):
        return f"Le numero d'engagement {number} est cloture."
    return ""


def recycler(ctx: Context, body: dict) -> dict:
    row, refusal = _invoice_or_refusal(ctx, body, "recycle")
    if refusal:
        return refusal
    recipient = body.get("destinataire") or {}
    reference = body.get("reference") or {}
    buyer_siret = (recipient.get("codeDestinataire") or row["buyer_siret"]).strip()
    service_code = (recipient.get("codeServiceExecutant") or "").strip()
    engagement = (reference.get("numeroBonCommande") or "").strip()
    if not service_code and not engagement and buyer_siret == row["buyer_siret"]:
        return error(
            BAD_ROUTING,
            "GFA_MSG_02.014 - Le recyclage demande un nouveau destinataire, code service "
            "ou numero d'engagement.",
        )
    buyer = directory.structure_by_siret(buyer_siret)
    if buyer is None or not buyer.public or not buyer.active:
        return error(
            BAD_ROUTING, f"GFA_MSG_02.015 - La structure destinataire {buyer_siret} n'est pas active."
        )
    service_code = service_code or (row["service_code"] if buyer_siret == row["buyer_siret"] else "")
    engagement = engagement or row["engagement"]
    problems = rules._routing_errors(
        types.SimpleNamespace(service_code=service_code, engagement=engagement), buyer
    )
    if engagement and reference.get("numeroBonCommande"):
        problem = _engagement_problem(buyer_siret, row["supplier_siret"], engagement)
        problems += [problem] if problem else []
    if problems:
        return error(BAD_ROUTING, "GFA_MSG_02.016 - " + " | ".join(problems))
    changes = []
    if buyer_siret != row["buyer_siret"]:
        changes.append(f"destinataire {row['buyer_siret']} -> {buyer_siret}")
    if service_code != row["service_code"]:
        changes.append(f"service {row['service_code'] or '(aucun)'} -> {service_code or '(aucun)'}")
    if engagement != row["engagement"]:
        changes.append(f"engagement {row['engagement'] or '(aucun)'} -> {engagement}")
    ctx.db.execute(
        "UPDATE invoices SET buyer_siret = ?, service_code = ?, engagement = ? WHERE id = ?",
        (buyer_siret, service_code, engagement, row["id"]),
    )
    comment = (body.get("commentaire") or "").strip()
    note = " | ".join(
        part for part in ("Facture recyclee : " + ", ".join(changes or ["inchange"]), comment) if part
    )
    at = _move_on(ctx, row, ROUTING, note)
    return ok(
        identifiantFactureCPP=row["id"],
        numeroFacture=row["number"],
        statutFacture=ROUTING,
        dateDepot=clock.fmt_iso(at),
    )


# ---------------------------------------------------------------------------- à traiter


def rechercher_atraiter_fournisseur(ctx: Context, body: dict) -> dict:
    supplier = directory.structure_by_siret(ctx.account.structure_siret)
    wanted = body.get("idStructure")
    params = body.get("rechercheFactureATraiterParFournisseur") or {}
    statuses = STATUSES_TO_ACT_ON[:2] if body.get("masquerRejetee") else STATUSES_TO_ACT_ON
    items = []
    if not wanted or str(wanted) == str(supplier.structure_id):
        rows = ctx.db.execute(
            "SELECT i.* FROM invoices i JOIN flows f ON f.id = i.flow_id "
            "WHERE i.supplier_siret = ? AND f.ready_at <= ? ORDER BY i.id",
            (ctx.account.structure_siret, ctx.now),
        ).fetchall()
        for row in rows:
            current = lifecycle.current(ctx.db, row["id"], ctx.now)
            if current is None or current["status"] not in statuses:
                continue
            buyer = directory.structure_by_siret(row["buyer_siret"])
            service = (
                directory.service_by_code(buyer, row["service_code"])
                if buyer and row["service_code"]
                else None
            )
            item = {
                "identifiantFactureCPP": row["id"],
                "typeDemandePaiement": "FACTURE",
                "codeFournisseur": row["supplier_siret"],
                "typeIdentifiantFournisseur": "SIRET",
                "designationFournisseur": supplier.name,
                "codeDestinataire": row["buyer_siret"],
                "designationDestinataire": buyer.name if buyer else "",
                "codeServiceExecutant": row["service_code"],
                "typeFacture": TYPES.get(row["type_code"], "FACTURE"),
                "numeroFacture": row["number"],
                "dateDepot": clock.fmt_iso(row["integrated_at"]),
                "montantHT": float(row["amount_untaxed"] or 0),
                "montantTTC": float(row["amount_total"] or 0),
                "montantAPayer": float(row["amount_due"] or 0),
                "devise": row["currency"] or "EUR",
                "statut": current["status"],
                "numeroMarche": row["market"],
                "numeroBonCommande": row["engagement"],
            }
            if buyer:
                item["idDestinataire"] = buyer.structure_id
            if service:
                item.update(idServiceExecutant=service.service_id, nomServiceExecutant=service.name)
            items.append(item)
    return search_answer(ctx, items, params, "listeFactures")


ROUTES = {
    "factures/v1/consulter/fournisseur": consulter_fournisseur,
    "factures/v1/completer": completer,
    "factures/v1/recycler": recycler,
    "factures/v1/rechercher/atraiter/fournisseur": rechercher_atraiter_fournisseur,
    "transverses/v1/ajouter/fichier": ajouter_fichier,
}
