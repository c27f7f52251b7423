"""The supplier's answers to a buyer: complete a suspended invoice, recycle one, list what awaits.

Operations of the published Factures API ("AIFE - Chorus Pro - Factures" 1.0.0):

* ``consulter/fournisseur`` (consulterFactureParFournisseur): the invoice as Chorus holds it; read
  before acting, so that an action Chorus would refuse is refused here with the status it has.
* ``completer`` (completerFacture): "modifier une facture au statut « SUSPENDUE » en ajoutant des
  pièces jointes et/ou en modifiant le champ « commentaire »".
* ``recycler`` (recyclerFacture): "modifier les données d'acheminement d'une facture au statut
  « A_Recycler »" (recipient, service, engagement number).
* ``rechercher/atraiter/fournisseur`` (rechercherFactureATraiterParFournisseur): "les factures dont
  les statuts permettent au fournisseur de les traiter (compléter, recycler, supprimer, modifier
  le valideur)".

An attachment reaches ``completer`` by its id in Chorus, given by ``transverses/v1/ajouter/fichier``
(ajouterFichierDansSysteme; keys from go-choruspro and facturation_electronique, reference §2.12).

Attachment rules (:func:`attachment_problems`), as Chorus Pro publishes them on its community page
"Pièces jointes dans Chorus Pro : quelques règles à respecter" and as the OCA connector applies
them (l10n-france 17.0 ``l10n_fr_chorus_account`` ``_check_chorus_attachments``): a name of at
most 50 characters, extension included; one of the listed extensions; not empty, at most 10 Mo a
file ("La pièce jointe ne doit pas dépasser 10Mo ... erreur 20003", ajouterFichierDansSysteme, as
go-choruspro documents it); an invoice and its attachments at most 120 Mo ("taille maximum d'un
dossier de facturation", Swagger, telechargerGroupeFacture).
"""

from __future__ import annotations

import base64
import datetime
import os
from dataclasses import dataclass

from . import parsing

CONSULT_ROUTE = "factures/v1/consulter/fournisseur"
COMPLETE_ROUTE = "factures/v1/completer"
RECYCLE_ROUTE = "factures/v1/recycler"
TO_ACT_ON_ROUTE = "factures/v1/rechercher/atraiter/fournisseur"
ADD_FILE_ROUTE = "transverses/v1/ajouter/fichier"

SUSPENDED = "SUSPENDUE"
TO_RECYCLE = "A_RECYCLER"
REJECTED = "REJETEE"
# The status each action answers (Swagger descriptions of completerFacture and recyclerFacture).
ACTION_STATUSES = {"complete": SUSPENDED, "recycle": TO_RECYCLE}

ATTACHMENT_NAME_MAX_LENGTH = 50
# Mo read as 10^6 bytes, the stricter reading (as values.FLOW_FILE_MAX_BYTES).
ATTACHMENT_MAX_BYTES = 10_000_000
INVOICE_FOLDER_MAX_BYTES = 120_000_000
ATTACHMENT_EXTENSIONS = frozenset(
    [
        ".bmp",
        ".gif",
        ".fax",
        ".odt",
        ".ppt",
        ".tiff",
        ".xls",
        ".bz2",
        ".gz",
        ".jpeg",
        ".p7s",
        ".rtf",
        ".txt",
        ".xml",
        ".csv",
        ".gzip",
        ".jpg",
        ".pdf",
        ".svg",
        ".xhtml",
        ".xlsx",
        ".doc",
        ".htm",
        ".odp",
        ".png",
        ".tgz",
        ".xlc",
        ".zip",
        ".docx",
        ".html",
        ".ods",
        ".pps",
        ".tif",
        ".xlm",
        ".pptx",
    ]
)
COMMENT_MAX_LENGTH = 2000  # not published: the portal's comment box; bounded so nothing is cut silently


@dataclass(frozen=True)
class ChorusInvoice:
    """``consulter/fournisseur``: what Chorus holds of one issued invoice."""

    chorus_id: int
    number: str
    status: str
    buyer_siret: str
    service_code: str
    engagement: str


@dataclass(frozen=True)
class ActionReceipt:
    """The answer of ``completer`` or ``recycler``."""

    chorus_id: int
    number: str
    status: str
    at: datetime.datetime | None


@dataclass(frozen=True)
class InvoiceToActOn:
    """One item of ``rechercher/atraiter/fournisseur``."""

    chorus_id: int
    number: str
    status: str
    buyer_siret: str
    service_code: str


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes
    mimetype: str = "application/octet-stream"


def attachment_problems(name: str, size: int) -> list[str]:
    """What Chorus Pro would refuse in one attachment (English; the caller translates)."""
    problems = []
    extension = os.path.splitext(name or "")[1].lower()
    if len(name or "") > ATTACHMENT_NAME_MAX_LENGTH:
        problems.append("name")
    if not extension:
        problems.append("no_extension")
    elif extension not in ATTACHMENT_EXTENSIONS:
        problems.append("extension")
    if not size:
        problems.append("empty")
    elif size > ATTACHMENT_MAX_BYTES:
        problems.append("size")
    return problems


class SupplierActionsMixin:
    """Endpoints of :class:`chorus.client.ChorusClient` for the supplier's answers to a buyer."""

    def consult_invoice(self, chorus_id: int) -> ChorusInvoice:
        answer = self._request(CONSULT_ROUTE, {"identifiantFactureCPP": int(chorus_id), "codeLangue": "fr"})
        invoice = answer.get("facture") or {}
        buyer = invoice.get("destinataire") or {}
        references = invoice.get("references") or {}
        return ChorusInvoice(
            chorus_id=parsing.as_int(invoice.get("identifiantFactureCPP"), int(chorus_id)),
            number=invoice.get("numeroFacture") or "",
            status=invoice.get("statutFacture") or "",
            buyer_siret=buyer.get("codeDestinataire") or "",
            service_code=buyer.get("codeServiceExecutant") or "",
            engagement=references.get("numeroBonCommande") or "",
        )

    def add_file(self, attachment: Attachment) -> int:
        """Upload one attachment; its ``pieceJointeId`` for ``completer``."""
        extension = os.path.splitext(attachment.name)[1].lstrip(".").lower()
        payload = {
            "pieceJointeFichier": base64.b64encode(attachment.content).decode("ascii"),
            "pieceJointeNom": attachment.name,
            "pieceJointeTypeMime": attachment.mimetype,
            "pieceJointeExtension": extension,
        }
        answer = self._request(ADD_FILE_ROUTE, payload)
        return parsing.as_int(answer.get("pieceJointeId"))

    def complete_invoice(self, chorus_id: int, *, comment: str = "", attachments=()) -> ActionReceipt:
        """``attachments``: ``(pieceJointeId, designation)`` pairs from :meth:`add_file`.

        The type of a complementary attachment (``pieceJointeComplementaireType``) has no published
        list of values: it is not sent."""
        payload = {"identifiantFactureCPP": int(chorus_id)}
        if comment:
            payload["commentaire"] = comment
        if attachments:
            payload["pieceJointeComplementaire"] = [
                {"pieceJointeComplementaireId": file_id, "pieceJointeComplementaireDesignation": designation}
                for file_id, designation in attachments
            ]
        answer = self._request(COMPLETE_ROUTE, payload)
        return ActionReceipt(
            chorus_id=parsing.as_int(answer.get("identifiantFactureCPP"), int(chorus_id)),
            number=answer.get("numeroFacture") or "",
            status="COMPLETEE",
            at=parsing.parse_datetime(answer.get("dateTraitement")),
        )

    def recycle_invoice(
        self, chorus_id: int, *, buyer_siret="", service_code="", engagement="", comment=""
    ) -> ActionReceipt:
        payload = {"identifiantFactureCPP": int(chorus_id)}
        recipient = {
            key: value
            for key, value in (("codeDestinataire", buyer_siret), ("codeServiceExecutant", service_code))
            if value
        }
        if recipient:
            payload["destinataire"] = recipient
        if engagement:
            payload["reference"] = {"numeroBonCommande": engagement}
        if comment:
            payload["commentaire"] = comment
        answer = self._request(RECYCLE_ROUTE, payload)
        return ActionReceipt(
            chorus_id=parsing.as_int(answer.get("identifiantFactureCPP"), int(chorus_id)),
            number=answer.get("numeroFacture") or "",
            status=answer.get("statutFacture") or "",
            at=parsing.parse_datetime(answer.get("dateDepot")),
        )

    def invoices_to_act_on(self, supplier_structure_id: int | None = None) -> list[InvoiceToActOn]:
        """Every invoice Chorus expects the supplier to act on (rejected ones included)."""
        payload = {"masquerRejetee": False}
        if supplier_structure_id:
            payload["idStructure"] = int(supplier_structure_id)
        items = self._standard_pages(
            TO_ACT_ON_ROUTE,
            payload,
            "rechercheFactureATraiterParFournisseur",
            "listeFactures",
            key=lambda item: item.get("identifiantFactureCPP"),
        )
        return [
            InvoiceToActOn(
                chorus_id=parsing.as_int(item.get("identifiantFactureCPP")),
                number=item.get("numeroFacture") or "",
                status=item.get("statut") or "",
                buyer_siret=item.get("codeDestinataire") or "",
                service_code=item.get("codeServiceExecutant") or "",
            )
            for item in items
        ]
