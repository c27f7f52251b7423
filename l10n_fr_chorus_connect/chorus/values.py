"""Plain values exchanged between the Chorus Pro client and its callers.

Nothing here knows about HTTP or Odoo: the client turns JSON answers into these
immutable objects, and the Odoo models read them. Amounts are ``Decimal``.
Datetimes are naive UTC (Odoo's ``fields.Datetime`` convention; Chorus's offset-less
``YYYY-MM-DD HH:MM`` values are read as Paris time); dates are Chorus's calendar dates.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

# Buyer requirements, as derived from ``structures/v1/consulter`` parametres.
REQUIREMENT_NONE = "none"
REQUIREMENT_SERVICE = "service"
REQUIREMENT_ENGAGEMENT = "engagement"
REQUIREMENT_SERVICE_OR_ENGAGEMENT = "service_or_engagement"
REQUIREMENT_SERVICE_AND_ENGAGEMENT = "service_and_engagement"
REQUIREMENTS = (
    REQUIREMENT_NONE,
    REQUIREMENT_SERVICE,
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_SERVICE_OR_ENGAGEMENT,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
)

SYNTAX_FACTURX = "IN_DP_E2_CII_FACTURX"
SYNTAX_CII_16B = "IN_DP_E1_CII_16B"

PUBLIC_INVOICES_SERVICE = "FACTURES_PUBLIQUES"

# deposer/flux takes at most 10 Mo a file (30 Mo for a compressed lot): the Chorus Pro API annex
# V5.00 as the OMNI client reads it (reference chorus-pro-api.md §2.1 and §9.10; the AIFE annex
# itself is not public here). The same 10 Mo bound is published for ajouterFichierDansSysteme
# (communaute.chorus-pro.gouv.fr, "Add file in system": error 20003) and deposer/pdf (Swagger:
# HTTP 413). Mo read as 10^6 bytes, the stricter reading. The JSON body carries it in base64 (4/3).
FLOW_FILE_MAX_BYTES = 10_000_000
FLOW_ARCHIVE_MAX_BYTES = 30_000_000


@dataclass(frozen=True)
class DepositReceipt:
    """Answer of ``deposer/flux``: Chorus received the file (not yet integrated)."""

    flow_number: str
    deposit_date: datetime.date | None
    syntax: str


@dataclass(frozen=True)
class InvoiceError:
    """One entry of ``listeErreurDP``: an invoice of the flow was rejected."""

    invoice_number: str
    supplier_id: str
    buyer_id: str
    message: str


@dataclass(frozen=True)
class TechnicalError:
    """One entry of ``listeErreurTechnique``: the whole flow was not receivable."""

    code: str
    message: str
    nature: str = ""


@dataclass(frozen=True)
class FlowReport:
    """Answer of ``consulterCRDetaille``."""

    state: str
    state_at: datetime.datetime | None
    deposited_at: datetime.datetime | None
    file_name: str
    interface_code: str = ""
    invoice_errors: tuple[InvoiceError, ...] = ()
    technical_errors: tuple[TechnicalError, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class IssuedInvoice:
    """One item of ``rechercher/fournisseur``."""

    chorus_id: int
    number: str
    status: str
    flow_number: str = ""
    invoice_type: str = ""
    invoice_date: datetime.date | None = None
    deposit_date: datetime.date | None = None
    status_at: datetime.datetime | None = None
    status_comment: str = ""
    buyer_id: str = ""
    service_code: str = ""
    amount_untaxed: Decimal | None = None
    amount_total: Decimal | None = None
    amount_due: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One status change of ``consulter/historique`` (``histoStatut``)."""

    entry_id: int
    status: str
    at: datetime.datetime | None
    comment: str = ""
    author: str = ""


@dataclass(frozen=True)
class InvoiceHistory:
    """Answer of ``consulter/historique``: current status and every past one, oldest first."""

    chorus_id: int
    number: str
    current_status: str
    entries: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True)
class Structure:
    """One item of ``structures/v1/rechercher`` or of the supplier's own structures."""

    structure_id: int
    identifier: str
    name: str
    identifier_type: str = "SIRET"
    active: bool = True


@dataclass(frozen=True)
class StructureDetails:
    """Answer of ``structures/v1/consulter`` reduced to what a supplier needs."""

    structure_id: int
    identifier: str
    name: str
    public: bool
    requirement: str
    payment_status_not_reported: bool = False
    password_expiry: datetime.datetime | None = None
    vat_number: str = ""
    street: str = ""
    zip_code: str = ""
    city: str = ""
    country_code: str = ""
    email: str = ""
    parameters: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Service:
    """One item of ``structures/v1/rechercher/services``."""

    service_id: int
    code: str
    name: str
    active: bool
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


@dataclass(frozen=True)
class ServiceDetails:
    """Answer of ``structures/v1/consulter/service``."""

    code: str
    name: str
    engagement_required: bool
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


# Words of libelleEtatCourantEJ meaning the engagement can no longer be invoiced. The list of its
# values is not published (OCA filters on the code COMMANDE, qualification data shows A_TRAITER):
# these are our reading of the French labels, accents and case aside.
ENGAGEMENT_CLOSED_WORDS = ("CLOTUR", "SOLDE", "ANNUL", "SUPPRIM", "RESILI")


@dataclass(frozen=True)
class Engagement:
    """One item of ``engagementsJuridiques/v1/rechercher``."""

    engagement_id: int
    number: str
    state_label: str = ""
    supplier_structure_id: str = ""
    service_code: str = ""
    amount_total: Decimal | None = None

    @property
    def closed(self) -> bool:
        label = unicodedata.normalize("NFKD", self.state_label).encode("ascii", "ignore").decode().upper()
        return any(word in label for word in ENGAGEMENT_CLOSED_WORDS)


@dataclass(frozen=True)
class BankAccount:
    """One item of ``transverses/v1/recuperer/coordbanc/valides``: Chorus answers no IBAN."""

    bank_account_id: int
    name: str
