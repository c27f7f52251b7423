"""Pure functions turning Chorus Pro JSON answers into :mod:`chorus.values`.

Dates and times: Chorus mixes ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM`` (Paris
local time, no offset) and ISO 8601 with an offset. Every datetime returned
here is **naive UTC**, the convention of Odoo's ``fields.Datetime`` (which
refuses aware values), so callers can store it as is.

>>> parse_datetime("2024-06-10 14:40")
datetime.datetime(2024, 6, 10, 12, 40)
>>> parse_datetime("2018-02-16T15:10:25.536+01:00")
datetime.datetime(2018, 2, 16, 14, 10, 25, 536000)
>>> parse_date("2024-05-17")
datetime.date(2024, 5, 17)
>>> parse_amount(1200.1)
Decimal('1200.1')
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from . import contract, values

CHORUS_TZ = ZoneInfo("Europe/Paris")
UTC = datetime.timezone.utc


def parse_date(value) -> datetime.date | None:
    """A ``YYYY-MM-DD`` date; a date-time string keeps its date part (as written, no conversion)."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def parse_datetime(value) -> datetime.datetime | None:
    """Any Chorus date-time to naive UTC; values without an offset are Paris local time."""
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHORUS_TZ)
    return moment.astimezone(UTC).replace(tzinfo=None)


def format_datetime(moment: datetime.datetime) -> str:
    """Naive UTC (or aware) datetime to the ISO 8601 string with offset sent to Chorus."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHORUS_TZ).isoformat(timespec="seconds")


def parse_amount(value) -> Decimal | None:
    """JSON numbers arrive as floats: go through ``str`` so 0.1 stays 0.1."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def as_list(value) -> list:
    """Chorus sometimes sends a lone object where a list is expected (CP-CRD example)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    return list(value)


def as_int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def as_count(value) -> int | None:
    """A count the API may leave out (``total``): ``None`` when absent or unreadable."""
    count = as_int(value, -1)
    return count if count >= 0 else None


def requirement_from_parameters(parameters: dict) -> str:
    """The decision table of ``structures/v1/consulter`` parametres (reference §2.8, as OCA does)."""
    service = bool(parameters.get("codeServiceDoitEtreRenseigne"))
    engagement = bool(parameters.get("numeroEJDoitEtreRenseigne"))
    if parameters.get("gestionNumeroEJOuCodeService"):
        return values.REQUIREMENT_SERVICE_OR_ENGAGEMENT
    if service and engagement:
        return values.REQUIREMENT_SERVICE_AND_ENGAGEMENT
    if service:
        return values.REQUIREMENT_SERVICE
    if engagement:
        return values.REQUIREMENT_ENGAGEMENT
    return values.REQUIREMENT_NONE


def deposit_receipt(answer: dict, syntax: str) -> values.DepositReceipt:
    return values.DepositReceipt(
        flow_number=answer.get("numeroFluxDepot") or "",
        deposit_date=parse_date(answer.get("dateDepot")),
        syntax=answer.get("syntaxeFlux") or syntax,
    )


def flow_report(answer: dict) -> values.FlowReport:
    libelle = answer.get("libelle") or ""
    return values.FlowReport(
        state=answer.get("etatCourantDepotFlux") or answer.get("etatCourantFlux") or "",
        state_at=parse_datetime(answer.get("dateHeureEtatCourantFlux")),
        deposited_at=parse_datetime(answer.get("dateDepotFlux")),
        file_name=answer.get("nomFichier") or answer.get("nomFichierFlux") or "",
        interface_code=answer.get("codeInterfaceDepotFlux") or "",
        invoice_errors=tuple(
            values.InvoiceError(
                invoice_number=item.get("numeroDP") or "",
                supplier_id=item.get("identifiantFournisseur") or "",
                buyer_id=item.get("identifiantDestinataire") or "",
                message=item.get("libelleErreurDP") or "",
            )
            for item in as_list(answer.get("listeErreurDP"))
        ),
        technical_errors=tuple(
            values.TechnicalError(
                code=item.get("codeErreur") or "",
                message=item.get("libelleErreur") or "",
                nature=item.get("natureErreur") or "",
            )
            for item in as_list(answer.get("listeErreurTechnique"))
        ),
        message="" if libelle.startswith(contract.SUCCESS_LABELS) else libelle,
    )


def issued_invoice(item: dict) -> values.IssuedInvoice:
    return values.IssuedInvoice(
        chorus_id=as_int(item.get("identifiantFactureCPP")),
        number=item.get("numeroFacture") or "",
        status=item.get("statut") or item.get("statutFacture") or "",
        flow_number=item.get("numeroFluxDepot") or "",
        invoice_type=item.get("typeFacture") or "",
        invoice_date=parse_date(item.get("dateFacture")),
        deposit_date=parse_date(item.get("dateDepot")),
        status_at=parse_datetime(item.get("dateHeureEtatCourant")),
        status_comment=item.get("commentaireEtatCourant") or "",
        buyer_id=item.get("codeDestinataire") or "",
        service_code=item.get("codeServiceExecutant") or "",
        amount_untaxed=parse_amount(item.get("montantHT")),
        amount_total=parse_amount(item.get("montantTTC")),
        amount_due=parse_amount(item.get("montantAPayer")),
        currency=item.get("devise") or "",
    )


def history_entry(item: dict) -> values.HistoryEntry:
    author = " ".join(
        part
        for part in (item.get("histoStatutUtilisateurPrenom"), item.get("histoStatutUtilisateurNom"))
        if part
    )
    return values.HistoryEntry(
        entry_id=as_int(item.get("histoStatutId")),
        status=item.get("histoStatutCode") or "",
        at=parse_datetime(item.get("histoStatutDatePassage")),
        comment=item.get("histoStatutCommentaire") or "",
        author=author,
    )


def invoice_history(
    answer: dict, entries: list[values.HistoryEntry], chorus_id: int
) -> values.InvoiceHistory:
    # Hélios may report statuses out of order; the passage time is the only truth.
    ordered = sorted(entries, key=lambda e: (e.at or datetime.datetime.min, e.entry_id))
    return values.InvoiceHistory(
        chorus_id=as_int(answer.get("idFacture"), chorus_id),
        number=answer.get("numeroFacture") or "",
        current_status=answer.get("statutCourantCode") or (ordered[-1].status if ordered else ""),
        entries=tuple(ordered),
    )


def structure(item: dict) -> values.Structure:
    return values.Structure(
        structure_id=as_int(item.get("idStructureCPP") or item.get("idStructure")),
        identifier=item.get("identifiantStructure") or item.get("identifiant") or "",
        name=item.get("designationStructure") or item.get("raisonSociale") or "",
        identifier_type=item.get("typeIdentifiantStructure") or item.get("typeIdentifiant") or "SIRET",
        active=(item.get("statut") or "ACTIVE") == "ACTIVE",
    )


def structure_details(answer: dict) -> values.StructureDetails:
    general = answer.get("informationGenerales") or {}
    address = answer.get("adressePostaleDuSiege") or {}
    parameters = answer.get("parametres") or {}
    person = " ".join(part for part in (general.get("prenomStructure"), general.get("nomStructure")) if part)
    return values.StructureDetails(
        structure_id=as_int(general.get("idStructureCPP")),
        identifier=general.get("identifiantStructure") or "",
        name=general.get("raisonSocialeStructure") or general.get("libelleStructure") or person,
        public=general.get("structurePriveePublique") == "PUBLIQUE",
        requirement=requirement_from_parameters(parameters),
        payment_status_not_reported=bool(parameters.get("statutMiseEnPaiementNestPasRemonte")),
        password_expiry=parse_datetime(general.get("dateExpirationMotPasseCompteTech")),
        vat_number=general.get("numeroTVA") or "",
        street=address.get("adresse") or "",
        zip_code=address.get("codePostal") or "",
        city=address.get("ville") or "",
        country_code=address.get("pays") or "",
        email=general.get("emailStructure") or "",
        parameters=dict(parameters),
    )


def service(item: dict) -> values.Service:
    return values.Service(
        service_id=as_int(item.get("idService")),
        code=item.get("codeService") or "",
        name=item.get("libelleService") or item.get("nomService") or "",
        active=bool(item.get("estActif", True)),
        valid_from=parse_date(item.get("dateDbtService")),
        valid_to=parse_date(item.get("dateFinService")),
    )


def service_details(answer: dict) -> values.ServiceDetails:
    general = answer.get("informationsGenerales") or {}
    parameters = answer.get("parametres") or {}
    return values.ServiceDetails(
        code=general.get("codeService") or "",
        name=general.get("nomService") or "",
        engagement_required=bool(parameters.get("numeroEngagement")),
        valid_from=parse_date(parameters.get("dateDebutValidite")),
        valid_to=parse_date(parameters.get("dateFinValidite")),
    )


def engagement(item: dict) -> values.Engagement:
    return values.Engagement(
        engagement_id=as_int(item.get("idEngagementJuridique")),
        number=item.get("numeroEngagementJuridique") or "",
        state_label=item.get("libelleEtatCourantEJ") or "",
        supplier_structure_id=str(item.get("structureReceptrice") or ""),
        service_code=item.get("codeServiceExecutant") or "",
        amount_total=parse_amount(item.get("montantTotalTtc")),
    )


def bank_account(item: dict) -> values.BankAccount:
    return values.BankAccount(
        bank_account_id=as_int(item.get("idCoordonneeBancaire")), name=item.get("nomCoordonneeBancaire") or ""
    )
