# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's CII (Factur-X) export, made to fit Chorus Pro and the EN 16931 profile.

Odoo declares the EXTENDED guideline and writes what XRechnung wants; for an
invoice to a public body we declare EN 16931 (what Chorus Pro documents for
``IN_DP_E2_CII_FACTURX``) and write only what Chorus Pro reads:

* BT-10 BuyerReference = service code, BT-13 BuyerOrderReferencedDocument =
  engagement, BT-12 ContractReferencedDocument = market number, with no
  fallback on other fields (Odoo would send the invoice number as engagement);
* BT-30 / BT-47 SpecifiedLegalOrganization/ID = SIRET with ``schemeID="0002"``:
  0002 is the ISO 6523 ICD of SIRENE, the only one of the two candidates that
  passes BR-CL-11 of the EN 16931 schematron (``1`` is a Chorus UBL code, not
  an ICD); it is also what OCA's Factur-X modules write;
* BG-16 payment means = the invoice's Chorus payment means, with the IBAN for
  transfers, and none at all on credit notes;
* nothing the EN 16931 profile marks "not used" (Odoo writes a contact in the
  delivery party, BG-13, which has none in EN 16931);
* unit prices exact (BT-146/147/148 have no decimal limit, unlike amounts):
  BT-146 x BT-129 rounds to BT-131 instead of missing it by cents;
* in "round globally" mode, Odoo books the rounding difference in the lines'
  balances but writes their rounded subtotals: the difference per VAT rate
  becomes a document-level charge or allowance "Arrondi" (BG-20/BG-21), so that
  BR-CO-10 and BR-S-08 hold and the totals stay those of the accounting;
* a credit note names the invoice it cancels (BG-3: BT-25 and its date BT-26);
* the customer's own reference (``ref``) is kept when the engagement takes the
  purchase-order slot (BT-13): as a note (BG-1, BT-22) with subject code AAI
  "general information" (UNTDID 4451), which Chorus Pro shows the buyer as the
  invoice's comment. BT-10 is the service code on Chorus Pro, BT-19 is an
  accounting account and BT-11 a project: none of them is the buyer's reference.
"""

from decimal import Decimal

from lxml import etree

from odoo import models
from odoo.tools import cleanup_xml_node

from .account_move_chorus_data import TRANSFER_CODES

EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
ROUNDING_REASON = "Arrondi"
NS = {"ram": RAM, "rsm": RSM}
CUSTOMER_REFERENCE_SUBJECT = "AAI"  # UNTDID 4451 "General information"
# The file is read by a French public buyer, whatever the user's language.
CUSTOMER_REFERENCE_NOTE = "Référence client : %s"
CENT = Decimal("0.01")
# Odoo's constraints that come from XRechnung (BR-DE-*), not from EN 16931 or Chorus Pro.
XRECHNUNG_ONLY_CONSTRAINTS = (
    "seller_phone",
    "seller_email",
    "seller_payment_instructions_1",
    "seller_payment_instructions_2",
)


class AccountEdiXmlCii(models.AbstractModel):
    _inherit = "account.edi.xml.cii"

    def _chorus_applies(self, invoice):
        return bool(self.env.context.get("chorus_facturx")) or invoice._chorus_is_applicable()

    def _export_invoice_vals(self, invoice):
        vals = super()._export_invoice_vals(invoice)
        if self._chorus_applies(invoice):
            vals.update(
                {
                    "chorus": True,
                    "document_context_id": EN16931_GUIDELINE,
                    "seller_specified_legal_organization": invoice._chorus_company_siret(),
                    "buyer_specified_legal_organization": invoice._chorus_recipient_siret(),
                    "buyer_reference": (invoice.buyer_reference or "").strip(),
                    "purchase_order_reference": (invoice.purchase_order_reference or "").strip(),
                    "contract_reference": (invoice.contract_reference or "").strip(),
                    "payment_means_code": invoice.chorus_payment_means or "",
                }
            )
            if not vals["ship_to_trade_party"].country_id:
                vals["ship_to_trade_party"] = invoice.commercial_partner_id
        return vals

    def _export_invoice_constraints(self, invoice, vals):
        constraints = super()._export_invoice_constraints(invoice, vals)
        if vals.get("chorus"):
            for key in XRECHNUNG_ONLY_CONSTRAINTS:
                constraints.pop(key, None)
            if constraints.get("tax_invoice_line"):
                # The same fact twice (Odoo's generic check and its Factur-X one): the latter names BR-CO-04.
                constraints.pop("tax_on_line", None)
            # BR-CO-26 is met by the SIRET (BT-30); the VAT number (BT-31) is only required
            # when some VAT applies (BR-S-02, BR-E-02...), not for "not subject to VAT" (O).
            categories = {key["tax_category_code"] for key in vals["tax_details"]["tax_details"]}
            constraints["seller_identifier"] = (
                self.env._("The VAT number of your company is required on an invoice with VAT.")
                if not invoice.company_id.vat and categories - {"O"}
                else None
            )
        return constraints

    def _export_invoice(self, invoice):
        xml, errors = super()._export_invoice(invoice)
        if not self._chorus_applies(invoice):
            return xml, errors
        tree = etree.fromstring(xml)
        self._chorus_adjust_tree(tree, invoice)
        return etree.tostring(cleanup_xml_node(tree), xml_declaration=True, encoding="UTF-8"), errors

    def _chorus_adjust_tree(self, tree, invoice):
        """What Chorus Pro needs in Odoo's CII, on the tree parsed once (extensions add their steps)."""
        self._chorus_name_products(tree)
        self._chorus_drop_delivery_contact(tree)
        self._chorus_set_unit_prices(tree, invoice)
        self._chorus_book_rounding_difference(tree)
        self._chorus_note_customer_reference(tree, invoice)
        self._chorus_reference_origin_invoice(tree, invoice)
        self._chorus_set_buyer_address(tree, invoice)
        self._chorus_drop_rate_when_not_subject_to_vat(tree)
        self._chorus_set_payment_means(tree, invoice)

    def _chorus_name_products(self, tree):
        """BT-153 item name is mandatory: lines without a product get their label as name."""
        for product in tree.iterfind(".//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct", NS):
            if product.find("ram:Name", NS) is not None:
                continue
            description = product.find("ram:Description", NS)
            name = etree.Element(f"{{{RAM}}}Name")
            name.text = description.text if description is not None else "-"
            if description is not None:
                # Name comes before Description in the schema; the label is the name now.
                description.addprevious(name)
                product.remove(description)
            else:
                product.append(name)

    def _chorus_drop_rate_when_not_subject_to_vat(self, tree):
        """BR-O-05: a line "not subject to VAT" (category O) has no VAT rate; Odoo writes 0."""
        for tax in tree.iterfind(".//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax", NS):
            if tax.findtext("ram:CategoryCode", namespaces=NS) == "O":
                for rate in tax.findall("ram:RateApplicablePercent", NS):
                    tax.remove(rate)

    def _chorus_set_buyer_address(self, tree, invoice):
        """An invoice address often has no postal address of its own: write its company's (BR-10, BR-11)."""
        partner = invoice._chorus_buyer_address()
        if partner == invoice.partner_id:
            return
        buyer = tree.find(".//ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty", NS)
        for node in buyer.findall("ram:PostalTradeAddress", NS):
            buyer.remove(node)
        address = etree.Element(f"{{{RAM}}}PostalTradeAddress")
        for tag, value in (
            ("PostcodeCode", partner.zip),
            ("LineOne", partner.street),
            ("LineTwo", partner.street2),
            ("CityName", partner.city),
            ("CountryID", partner.country_id.code),
        ):
            if value:
                etree.SubElement(address, f"{{{RAM}}}{tag}").text = value
        # Schema order: PostalTradeAddress, then URIUniversalCommunication, then SpecifiedTaxRegistration
        following = buyer.find("ram:URIUniversalCommunication", NS)
        if following is None:
            following = buyer.find("ram:SpecifiedTaxRegistration", NS)
        if following is None:
            buyer.append(address)
        else:
            following.addprevious(address)

    def _chorus_set_payment_means(self, tree, invoice):
        settlement = tree.find(".//ram:ApplicableHeaderTradeSettlement", NS)
        for node in settlement.findall("ram:SpecifiedTradeSettlementPaymentMeans", NS):
            settlement.remove(node)
        code = invoice.chorus_payment_means
        if invoice.move_type != "out_invoice" or not code:
            return
        means = etree.Element(f"{{{RAM}}}SpecifiedTradeSettlementPaymentMeans")
        etree.SubElement(means, f"{{{RAM}}}TypeCode").text = code
        bank = invoice.partner_bank_id
        if code in TRANSFER_CODES and bank.acc_type == "iban" and bank.sanitized_acc_number:
            account = etree.SubElement(means, f"{{{RAM}}}PayeePartyCreditorFinancialAccount")
            etree.SubElement(account, f"{{{RAM}}}IBANID").text = bank.sanitized_acc_number
        # Schema order: ... InvoiceCurrencyCode, (PayeeTradeParty), SpecifiedTradeSettlementPaymentMeans, ...
        anchor = settlement.find("ram:PayeeTradeParty", NS)
        if anchor is None:
            anchor = settlement.find("ram:InvoiceCurrencyCode", NS)
        anchor.addnext(means)

    def _chorus_drop_delivery_contact(self, tree):
        """BG-13 "deliver to" has no contact in EN 16931: its DefinedTradeContact is "not used"."""
        for contact in tree.iterfind(".//ram:ShipToTradeParty/ram:DefinedTradeContact", NS):
            contact.getparent().remove(contact)

    def _chorus_set_unit_prices(self, tree, invoice):
        """BT-148 gross price, BT-147 price discount, BT-146 net price, exact (Odoo rounds them to cents)."""
        lines = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        items = tree.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)
        for line, item in zip(lines, items, strict=True):
            gross, net = self._chorus_exact_unit_prices(line)
            agreement = item.find("ram:SpecifiedLineTradeAgreement", NS)
            agreement.find("ram:GrossPriceProductTradePrice/ram:ChargeAmount", NS).text = _decimal_text(gross)
            agreement.find("ram:NetPriceProductTradePrice/ram:ChargeAmount", NS).text = _decimal_text(net)
            discount = agreement.find("ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge", NS)
            if discount is not None:
                discount.find("ram:ActualAmount", NS).text = _decimal_text(gross - net)

    def _chorus_exact_unit_prices(self, line):
        """``(gross, net)`` unit prices without tax, as Decimals whose product by the quantity is BT-131."""
        price = Decimal(repr(line.price_unit))
        if any(tax.price_include for tax in line.tax_ids) and line.quantity and line.discount != 100:
            # The price includes the tax: the untaxed unit price is what the subtotal says it is.
            digits = self.env["decimal.precision"].precision_get("Product Price")
            untaxed = Decimal(repr(line.price_subtotal)) / Decimal(repr(line.quantity))
            price = (untaxed / (1 - Decimal(repr(line.discount)) / 100)).quantize(Decimal(1).scaleb(-digits))
        net = price * (1 - Decimal(repr(line.discount)) / 100)
        # Odoo writes a negative line as a negative quantity at a positive price.
        return abs(price), abs(net)

    def _chorus_book_rounding_difference(self, tree):
        settlement = tree.find(".//ram:ApplicableHeaderTradeSettlement", NS)
        bases = {}
        for tax in settlement.findall("ram:ApplicableTradeTax", NS):
            key = _tax_key(tax)
            bases[key] = bases.get(key, 0) + Decimal(tax.findtext("ram:BasisAmount", "0", NS))
        for item in tree.iterfind(
            ".//ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement", NS
        ):
            tax = item.find("ram:ApplicableTradeTax", NS)
            if tax is None:  # a line without tax: Odoo's own check reports it
                return
            key = _tax_key(tax)
            bases[key] = bases.get(key, 0) - Decimal(item.findtext(".//ram:LineTotalAmount", "0", NS))
        if not any(bases.values()):
            return
        totals = {"true": Decimal(0), "false": Decimal(0)}
        anchor = settlement.find("ram:BillingSpecifiedPeriod", NS)
        if anchor is None:
            anchor = settlement.findall("ram:ApplicableTradeTax", NS)[-1]
        for (category, rate), difference in bases.items():
            if not difference:
                continue
            indicator = "true" if difference > 0 else "false"
            totals[indicator] += abs(difference)
            # Schema order: ApplicableTradeTax+, BillingSpecifiedPeriod?, SpecifiedTradeAllowanceCharge*, ...
            charge = etree.Element(f"{{{RAM}}}SpecifiedTradeAllowanceCharge")
            etree.SubElement(
                etree.SubElement(charge, f"{{{RAM}}}ChargeIndicator"), f"{{{UDT}}}Indicator"
            ).text = indicator
            etree.SubElement(charge, f"{{{RAM}}}ActualAmount").text = f"{abs(difference):.2f}"
            etree.SubElement(charge, f"{{{RAM}}}Reason").text = ROUNDING_REASON
            tax = etree.SubElement(charge, f"{{{RAM}}}CategoryTradeTax")
            etree.SubElement(tax, f"{{{RAM}}}TypeCode").text = "VAT"
            etree.SubElement(tax, f"{{{RAM}}}CategoryCode").text = category
            if rate is not None:
                etree.SubElement(tax, f"{{{RAM}}}RateApplicablePercent").text = f"{rate:f}"
            anchor.addnext(charge)
            anchor = charge
        summation = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
        line_total = summation.find("ram:LineTotalAmount", NS)
        line_total.text = f"{Decimal(line_total.text) - totals['true'] + totals['false']:.2f}"
        # Schema order: LineTotalAmount, ChargeTotalAmount, AllowanceTotalAmount, TaxBasisTotalAmount...
        for tag, amount in (("AllowanceTotalAmount", totals["false"]), ("ChargeTotalAmount", totals["true"])):
            if amount:
                node = etree.Element(f"{{{RAM}}}{tag}")
                node.text = f"{amount:.2f}"
                line_total.addnext(node)

    def _chorus_note_customer_reference(self, tree, invoice):
        reference = (invoice.ref or "").strip()
        if not reference or invoice.move_type != "out_invoice":
            return
        if reference == (invoice.purchase_order_reference or "").strip():
            return
        document = tree.find("rsm:ExchangedDocument", NS)
        note = etree.Element(f"{{{RAM}}}IncludedNote")
        etree.SubElement(note, f"{{{RAM}}}Content").text = CUSTOMER_REFERENCE_NOTE % reference
        etree.SubElement(note, f"{{{RAM}}}SubjectCode").text = CUSTOMER_REFERENCE_SUBJECT
        # Schema order: ID, TypeCode, IssueDateTime, IncludedNote*
        document.append(note)

    def _chorus_reference_origin_invoice(self, tree, invoice):
        """BG-3 on a credit note: the number (BT-25) and date (BT-26) of the invoice it cancels."""
        origin = invoice.reversed_entry_id
        if invoice.move_type != "out_refund" or not origin.name or origin.name == "/":
            return
        settlement = tree.find(".//ram:ApplicableHeaderTradeSettlement", NS)
        reference = etree.Element(f"{{{RAM}}}InvoiceReferencedDocument")
        etree.SubElement(reference, f"{{{RAM}}}IssuerAssignedID").text = origin.name
        if origin.invoice_date:
            issued = etree.SubElement(reference, f"{{{RAM}}}FormattedIssueDateTime")
            date = etree.SubElement(issued, f"{{{QDT}}}DateTimeString", format="102")
            date.text = origin.invoice_date.strftime("%Y%m%d")
        # Schema order: ..., SpecifiedTradeSettlementHeaderMonetarySummation, InvoiceReferencedDocument, ...
        settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS).addnext(reference)


def _tax_key(tax):
    """``(category, rate)`` of a VAT breakdown or line tax; "not subject to VAT" (O) has no rate."""
    category = tax.findtext("ram:CategoryCode", namespaces=NS)
    rate = tax.findtext("ram:RateApplicablePercent", namespaces=NS)
    return category, Decimal(rate).normalize() if rate and category != "O" else None


def _decimal_text(value):
    """A price as written in CII: every significant decimal, at least two."""
    value = value.normalize()
    if value.as_tuple().exponent > -2:
        value = value.quantize(CENT)
    return f"{value:f}"
