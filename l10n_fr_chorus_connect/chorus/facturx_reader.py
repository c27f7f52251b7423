"""Read a deposited Chorus Pro file into plain invoice facts.

Accepts what ``deposer/flux`` accepts for CII: a Factur-X PDF/A-3, a CII D16B XML, or a ``.tar.gz`` /
``.zip`` batch of those. Each invoice becomes an :class:`InvoiceFacts`; a file that cannot be read as
a whole (not a PDF nor XML, no Factur-X XML inside, XSD-invalid) raises :class:`UnreadableFile`, which
Chorus reports as a technical error ("irrecevabilité") of the flow.

>>> detect_kind(b"%PDF-1.7 ..."), detect_kind(b"<?xml version='1.0'?><a/>"), detect_kind(b"hello")
('pdf', 'xml', '')
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import importlib.machinery
import io
import logging
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

from .frameworks import read_party_notes

_logger = logging.getLogger(__name__)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
INVOICE_TYPE_CODE = "380"
CREDIT_NOTE_TYPE_CODE = "381"

# Error codes of ``listeErreurTechnique`` (sandbox's own, in the style of the real ``ERR_XSD_001``).
ERR_XSD = "ERR_XSD_001"
ERR_FORMAT = "ERR_FORMAT_001"
ERR_ARCHIVE = "ERR_ARCHIVE_001"
ERR_NO_XML = "ERR_FACTURX_001"

_AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_SUMMATION = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


class UnreadableFile(Exception):  # noqa: N818 - stdnum style, like InvalidVoucher
    """The file cannot be read as invoices; ``code`` goes to ``listeErreurTechnique.codeErreur``."""

    def __init__(self, message: str, *, code: str = ERR_FORMAT, member: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.member = member


@dataclass(frozen=True)
class InvoiceFacts:
    """What Chorus reads in one CII invoice. Empty strings when absent; amounts as ``Decimal``."""

    number: str
    type_code: str
    issue_date: datetime.date | None
    seller_siret: str
    buyer_siret: str
    service_code: str = ""
    engagement: str = ""
    market: str = ""
    payment_means_codes: tuple[str, ...] = ()
    iban: str = ""
    amount_untaxed: Decimal | None = None
    amount_tax: Decimal | None = None
    amount_total: Decimal | None = None
    amount_due: Decimal | None = None
    currency: str = ""
    guideline_id: str = ""
    level: str = ""
    source_name: str = ""
    source_kind: str = ""
    # BT-23 (billing framework, short code) and the parties its rules need (chorus/frameworks.py).
    framework: str = ""
    main_contractor_siret: str = ""
    main_contractor_service: str = ""
    moe_siret: str = ""
    moe_service: str = ""

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == CREDIT_NOTE_TYPE_CODE


def detect_kind(content: bytes) -> str:
    """``"pdf"``, ``"xml"``, ``"tar.gz"``, ``"zip"`` or ``""`` from the first bytes."""
    head = content[:512].lstrip()
    if content.startswith(b"%PDF"):
        return "pdf"
    if content.startswith(b"\x1f\x8b"):
        return "tar.gz"
    if content.startswith(b"PK\x03\x04") or content.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith(b"<"):
        return "xml"
    return ""


def read_invoices(content: bytes, filename: str = "", *, check_xsd: bool = True) -> list[InvoiceFacts]:
    """Every invoice of a deposited file, in file order. Raises :class:`UnreadableFile`."""
    kind = detect_kind(content)
    if kind in ("tar.gz", "zip"):
        members = _archive_members(content, kind)
        if not members:
            raise UnreadableFile("L'archive ne contient aucune facture.", code=ERR_ARCHIVE, member=filename)
        invoices = []
        for name, data in members:
            member_kind = detect_kind(data)
            if member_kind not in ("pdf", "xml"):
                raise UnreadableFile(
                    f"Le fichier {name} de l'archive n'est ni un PDF Factur-X ni un XML CII.",
                    code=ERR_FORMAT,
                    member=name,
                )
            invoices.append(_read_single(data, member_kind, name, check_xsd))
        return invoices
    if kind in ("pdf", "xml"):
        return [_read_single(content, kind, filename, check_xsd)]
    raise UnreadableFile(
        f"Le fichier {filename} n'est ni un PDF Factur-X, ni un XML CII, ni une archive zip ou tar.gz.",
        code=ERR_FORMAT,
        member=filename,
    )


def import_facturx():
    """The ``facturx`` module, imported on first use (also from inside an Odoo worker).

    An import hook may leave ``stdnum`` with a loader that cannot read package resources, and
    ``facturx`` needs ``stdnum.iban``'s data file ("Can't open orphan path", odoo/odoo#275302);
    a plain ``SourceFileLoader`` restores it. Harmless elsewhere.
    """
    if "facturx" not in sys.modules:
        import stdnum

        if not hasattr(stdnum.__spec__.loader, "get_resource_reader"):
            stdnum.__spec__.loader = importlib.machinery.SourceFileLoader(stdnum.__name__, stdnum.__file__)
    return importlib.import_module("facturx")


def xml_from_pdf(content: bytes, name: str = "") -> bytes:
    """The Factur-X XML embedded in a PDF (no XSD check here: the caller reports it precisely)."""
    facturx = import_facturx()
    try:
        _filename, xml_bytes = facturx.get_xml_from_pdf(content, check_xsd=False)
    except Exception as err:  # pypdf raises many unrelated types on a broken PDF
        raise UnreadableFile(
            f"Le fichier PDF {name} est illisible : {err}", code=ERR_FORMAT, member=name
        ) from err
    if not xml_bytes:
        raise UnreadableFile(
            f"Le PDF {name} ne contient pas de fichier XML Factur-X (factur-x.xml).",
            code=ERR_NO_XML,
            member=name,
        )
    return xml_bytes


def check_xsd(root, name: str = "") -> str:
    """Validate a CII tree against the Factur-X XSD of its declared level; return that level."""
    facturx = import_facturx()
    try:
        level = facturx.get_level(root, "factur-x")
    except Exception:  # unknown or missing guideline: Chorus's default profile
        level = "en16931"
    try:
        facturx.xml_check_xsd(root, flavor="factur-x", level=level)
    except Exception as err:
        detail = str(err.__cause__ or err)
        raise UnreadableFile(f"IRRECEVABILITE: {detail}", code=ERR_XSD, member=name) from err
    return level


def parse_cii(xml_bytes: bytes, name: str = "", *, check_xsd_: bool = True) -> InvoiceFacts:
    """Invoice facts of one CII D16B XML."""
    try:
        root = etree.fromstring(xml_bytes, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as err:
        raise UnreadableFile(f"IRRECEVABILITE: XML mal formé : {err}", code=ERR_XSD, member=name) from err
    if etree.QName(root).localname != "CrossIndustryInvoice":
        raise UnreadableFile(
            f"Le fichier {name} n'est pas une facture CII (CrossIndustryInvoice).",
            code=ERR_FORMAT,
            member=name,
        )
    level = check_xsd(root, name) if check_xsd_ else ""
    return _facts(root, level, name)


def _read_single(content: bytes, kind: str, name: str, check_xsd_: bool) -> InvoiceFacts:
    xml_bytes = xml_from_pdf(content, name) if kind == "pdf" else content
    facts = parse_cii(xml_bytes, name, check_xsd_=check_xsd_)
    return dataclasses.replace(facts, source_kind=kind)


def _archive_members(content: bytes, kind: str) -> list[tuple[str, bytes]]:
    members = []
    try:
        if kind == "zip":
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for info in archive.infolist():
                    if not info.is_dir():
                        members.append((info.filename, archive.read(info)))
        else:
            with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
                for info in archive.getmembers():
                    if info.isfile():
                        members.append((info.name, archive.extractfile(info).read()))
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as err:
        raise UnreadableFile(f"L'archive est illisible : {err}", code=ERR_ARCHIVE) from err
    return members


def _text(node, path: str) -> str:
    found = node.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _party_siret(root, party: str) -> str:
    base = f"{_AGREEMENT}/ram:{party}"
    siret = _text(root, f"{base}/ram:SpecifiedLegalOrganization/ram:ID")
    if siret:
        return siret
    for global_id in root.iterfind(f"{base}/ram:GlobalID", NS):
        if global_id.get("schemeID") == "0009":
            return (global_id.text or "").strip()
    return ""


def _amount(root, tag: str) -> Decimal | None:
    raw = _text(root, f"{_SUMMATION}/ram:{tag}")
    try:
        return Decimal(raw) if raw else None
    except InvalidOperation:
        return None


def _issue_date(root) -> datetime.date | None:
    raw = _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    try:
        return datetime.datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        return None


def _facts(root, level: str, name: str) -> InvoiceFacts:
    settlement = root.find(_SETTLEMENT, NS)
    codes, iban = [], ""
    if settlement is not None:
        for means in settlement.iterfind("ram:SpecifiedTradeSettlementPaymentMeans", NS):
            code = _text(means, "ram:TypeCode")
            if code:
                codes.append(code)
            iban = iban or _text(means, "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
    parties = read_party_notes(
        [_text(note, "ram:Content") for note in root.iterfind("rsm:ExchangedDocument/ram:IncludedNote", NS)]
    )
    main_contractor = parties.get("main_contractor", ("", ""))
    moe = parties.get("moe", ("", ""))
    return InvoiceFacts(
        framework=_text(
            root, "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
        ),
        main_contractor_siret=main_contractor[0],
        main_contractor_service=main_contractor[1],
        moe_siret=moe[0],
        moe_service=moe[1],
        number=_text(root, "rsm:ExchangedDocument/ram:ID"),
        type_code=_text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=_issue_date(root),
        seller_siret=_party_siret(root, "SellerTradeParty"),
        buyer_siret=_party_siret(root, "BuyerTradeParty"),
        service_code=_text(root, f"{_AGREEMENT}/ram:BuyerReference"),
        engagement=_text(root, f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        market=_text(root, f"{_AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        payment_means_codes=tuple(codes),
        iban=iban.replace(" ", ""),
        amount_untaxed=_amount(root, "TaxBasisTotalAmount"),
        amount_tax=_amount(root, "TaxTotalAmount"),
        amount_total=_amount(root, "GrandTotalAmount"),
        amount_due=_amount(root, "DuePayableAmount"),
        currency=_text(root, f"{_SETTLEMENT}/ram:InvoiceCurrencyCode"),
        guideline_id=_text(
            root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        ),
        level=level,
        source_name=name,
    )
