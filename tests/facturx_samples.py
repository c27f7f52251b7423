"""Build EN 16931 Factur-X test invoices (CII XML with lxml, PDF/A-3 with the factur-x library).

Also regenerates the committed demo invoice: ``python3 tests/facturx_samples.py``.
"""

from __future__ import annotations

import datetime
import io
import sys
import tarfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import facturx
from lxml import etree
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ADDON_DIR = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect"
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))

from chorus import frameworks  # noqa: E402
from chorus.sandbox import seed  # noqa: E402

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}
EN16931 = "urn:cen.eu:en16931:2017"
DEMO_PDF = ADDON_DIR / "chorus" / "samples" / "facture-demo.pdf"
DEMO_NUMBER = "FAC-DEMO-0001"

_NAMES = {structure.siret: structure.name for structure in seed.STRUCTURES}


def _el(parent, tag: str, text=None, **attrs):
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        node.text = str(text)
    return node


def _date(parent, tag: str, day: datetime.date):
    wrapper = _el(parent, tag)
    _el(wrapper, "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent, tag: str, siret: str, name: str, *, vat: str = ""):
    party = _el(parent, tag)
    _el(party, "ram:Name", name)
    if siret:
        legal = _el(party, "ram:SpecifiedLegalOrganization")
        _el(legal, "ram:ID", siret, schemeID="0002")
    address = _el(party, "ram:PostalTradeAddress")
    _el(address, "ram:PostcodeCode", "75001")
    _el(address, "ram:LineOne", "1 rue de l'Exemple")
    _el(address, "ram:CityName", "PARIS")
    _el(address, "ram:CountryID", "FR")
    if vat:
        registration = _el(party, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", vat, schemeID="VA")


def build_cii_xml(
    number: str = "FAC-2026-0001",
    *,
    seller_siret: str = seed.SUPPLIER_SIRET,
    buyer_siret: str = seed.BUYER_PLAIN_SIRET,
    service_code: str = "",
    engagement: str = "",
    market: str = "",
    payment_means: str | None = "30",
    iban: str = seed.SUPPLIER_IBAN,
    credit_note: bool = False,
    issue_date: datetime.date = datetime.date(2026, 11, 20),
    amount_untaxed: Decimal = Decimal("1000.00"),
    vat_rate: Decimal = Decimal("20.00"),
    guideline: str = EN16931,
    framework: str = "",
    main_contractor: tuple[str, str] | None = None,
    moe: tuple[str, str] | None = None,
    paid: bool = False,
) -> bytes:
    """An EN 16931 CII invoice (or credit note, type 381) with the Chorus routing data given.

    ``payment_means=None`` leaves out the payment means block (Chorus rejects such an invoice).
    """
    amount_untaxed = Decimal(amount_untaxed).quantize(Decimal("0.01"))
    tax = (amount_untaxed * Decimal(vat_rate) / 100).quantize(Decimal("0.01"))
    total = amount_untaxed + tax
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    if framework:  # BT-23, before the guideline in the schema
        _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", framework)
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", guideline)
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", number)
    _el(document, "ram:TypeCode", "381" if credit_note else "380")
    _date(document, "ram:IssueDateTime", issue_date)
    for template, party in ((frameworks.MAIN_CONTRACTOR_NOTE, main_contractor), (frameworks.MOE_NOTE, moe)):
        if party:
            note = _el(document, "ram:IncludedNote")
            _el(note, "ram:Content", frameworks.party_note(template, *party))
            _el(note, "ram:SubjectCode", frameworks.PARTY_NOTE_SUBJECT)
    transaction = _el(root, "rsm:SupplyChainTradeTransaction")

    line = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(line, "ram:AssociatedDocumentLineDocument"), "ram:LineID", "1")
    _el(_el(line, "ram:SpecifiedTradeProduct"), "ram:Name", "Prestation de service")
    agreement_line = _el(line, "ram:SpecifiedLineTradeAgreement")
    _el(_el(agreement_line, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", amount_untaxed)
    _el(_el(line, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", "1.0000", unitCode="C62")
    settlement_line = _el(line, "ram:SpecifiedLineTradeSettlement")
    line_tax = _el(settlement_line, "ram:ApplicableTradeTax")
    _el(line_tax, "ram:TypeCode", "VAT")
    _el(line_tax, "ram:CategoryCode", "S")
    _el(line_tax, "ram:RateApplicablePercent", vat_rate)
    _el(
        _el(settlement_line, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount",
        amount_untaxed,
    )

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if service_code:
        _el(agreement, "ram:BuyerReference", service_code)
    _party(
        agreement,
        "ram:SellerTradeParty",
        seller_siret,
        _NAMES.get(seller_siret, "FOURNISSEUR INCONNU"),
        vat="FR44732829320",
    )
    _party(agreement, "ram:BuyerTradeParty", buyer_siret, _NAMES.get(buyer_siret, "DESTINATAIRE INCONNU"))
    if engagement:
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", engagement)
    if market:
        _el(_el(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID", market)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", "EUR")
    if payment_means:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", payment_means)
        if iban:
            _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", iban)
    header_tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(header_tax, "ram:CalculatedAmount", tax)
    _el(header_tax, "ram:TypeCode", "VAT")
    _el(header_tax, "ram:BasisAmount", amount_untaxed)
    _el(header_tax, "ram:CategoryCode", "S")
    _el(header_tax, "ram:RateApplicablePercent", vat_rate)
    terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
    _date(terms, "ram:DueDateDateTime", issue_date + datetime.timedelta(days=30))
    summation = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(summation, "ram:LineTotalAmount", amount_untaxed)
    _el(summation, "ram:TaxBasisTotalAmount", amount_untaxed)
    _el(summation, "ram:TaxTotalAmount", tax, currencyID="EUR")
    _el(summation, "ram:GrandTotalAmount", total)
    if paid:
        _el(summation, "ram:TotalPrepaidAmount", total)
    _el(summation, "ram:DuePayableAmount", Decimal("0.00") if paid else total)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def break_xsd(xml_bytes: bytes) -> bytes:
    """The same invoice with a French-formatted amount, which the XSD refuses (a real Chorus case)."""
    root = etree.fromstring(xml_bytes)
    node = root.find(f".//{{{RAM}}}GrandTotalAmount")
    node.text = "1 200,00"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` (the visual part of a Factur-X invoice)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont("Helvetica", 11)
    y = 800
    for text in lines:
        page.drawString(60, y, text)
        y -= 18
    page.showPage()
    page.save()
    return buffer.getvalue()


def build_facturx_pdf(xml_bytes: bytes | None = None, *, check_xsd: bool = True, **invoice) -> bytes:
    """A Factur-X PDF/A-3 embedding ``xml_bytes`` (default: :func:`build_cii_xml` of ``invoice``)."""
    xml_bytes = xml_bytes or build_cii_xml(**invoice)
    number = etree.fromstring(xml_bytes).findtext(f".//{{{RAM}}}ID") or ""
    pdf = build_pdf([f"Facture {number}", "Document de test genere pour le bac a sable Chorus Pro."])
    return facturx.generate_from_binary(
        pdf, xml_bytes, flavor="factur-x", level="en16931", check_xsd=check_xsd, lang="fr-FR"
    )


def build_tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(time.time())
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def build_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def demo_invoice_pdf() -> bytes:
    """The CLI demo invoice: DEMO FOURNISSEUR SAS → COMMUNAUTE DE COMMUNES EXEMPLE, transfer to an IBAN."""
    xml_bytes = build_cii_xml(
        DEMO_NUMBER,
        seller_siret=seed.SUPPLIER_SIRET,
        buyer_siret=seed.BUYER_PLAIN_SIRET,
        payment_means="30",
        iban=seed.SUPPLIER_IBAN,
        amount_untaxed=Decimal("1250.00"),
    )
    pdf = build_pdf(
        [
            f"{seed.SUPPLIER_NAME} - SIRET {seed.SUPPLIER_SIRET}",
            f"Facture {DEMO_NUMBER} du 20/11/2026",
            f"Destinataire : COMMUNAUTE DE COMMUNES EXEMPLE - SIRET {seed.BUYER_PLAIN_SIRET}",
            "Prestation de service : 1 250,00 EUR HT, TVA 20 % : 250,00 EUR, total 1 500,00 EUR TTC",
            f"Paiement par virement : IBAN {seed.SUPPLIER_IBAN}",
            "Facture de demonstration du bac a sable Chorus Pro (aucune valeur).",
        ]
    )
    return facturx.generate_from_binary(
        pdf, xml_bytes, flavor="factur-x", level="en16931", check_xsd=True, lang="fr-FR"
    )


def write_demo_sample(path: Path = DEMO_PDF) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(demo_invoice_pdf())
    return path


if __name__ == "__main__":
    write_demo_sample()
