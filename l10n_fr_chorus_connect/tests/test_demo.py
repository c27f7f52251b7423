# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo data demonstrates: its first invoice to the demo commune is ready to deposit."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file


@tagged("post_install", "-at_install")
class TestChorusDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("l10n_fr_chorus_connect.demo_invoice_commune", raise_if_not_found=False):
            # A database without demo data: the French demo company `--with-demo` brings (l10n_fr's
            # demo/demo_company.xml, which also needs base's demo users), with its chart, then this
            # module's demo file.
            france = cls.env.ref("base.fr")
            partner = cls.env["res.partner"].create(
                {"name": "FR Company", "is_company": True, "country_id": france.id}
            )
            company = cls.env["res.company"].create(
                {"name": "FR Company", "partner_id": partner.id, "country_id": france.id}
            )
            cls.env["ir.model.data"]._update_xmlids(
                [
                    {"xml_id": "base.partner_demo_company_fr", "record": partner},
                    {"xml_id": "base.demo_company_fr", "record": company},
                ]
            )
            cls.env["account.chart.template"].try_loading("fr", company, install_demo=False)
            convert_file(
                cls.env, "l10n_fr_chorus_connect", "demo/chorus_demo.xml", {}, mode="init", kind="demo"
            )
        cls.invoice = cls.env.ref("l10n_fr_chorus_connect.demo_invoice_commune")

    def test_demo_company_is_french_in_euros_with_iban_and_vat(self):
        company = self.env.ref("base.demo_company_fr")
        self.assertEqual(company.currency_id.name, "EUR")
        self.assertEqual(company.country_id.code, "FR")
        self.assertTrue(company.vat)
        self.assertEqual(self.invoice.partner_bank_id.acc_type, "iban")

    def test_demo_invoice_passes_the_preflight(self):
        self.assertEqual(self.invoice.state, "posted")
        self.assertEqual(self.invoice.commercial_partner_id.name, "COMMUNE D'EXEMPLEVILLE")
        self.assertEqual(self.invoice._chorus_preflight(), [])
        self.assertEqual(self.invoice._chorus_deposit_blocker(check_tokens=False), "")
