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
            # A database without demo data: load what `--with-demo` loads, the French demo company
            # of l10n_fr with its chart, then this module's demo file.
            convert_file(cls.env, "l10n_fr", "demo/demo_company.xml", {}, mode="init", kind="demo")
            company = cls.env.ref("base.demo_company_fr")
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
