# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""In a real browser: the buyer keeps its references and signs; the salesperson invoices, ready to deposit."""

from odoo.tests import new_test_user, tagged

from .test_portal import ChorusPortalCase

REFERENCE_FIELDS = ("buyer_reference", "purchase_order_reference", "contract_reference")


@tagged("post_install", "-at_install")
class TestChorusSalePortalTour(ChorusPortalCase):
    def test_buyer_signs_with_its_references_and_the_invoice_is_ready(self):
        self.quotation.state = "sent"  # the portal lists quotations once sent
        self.start_tour(
            "/my/account",
            "l10n_fr_chorus_connect_sale_portal_tour",
            login=self.buyer_user.login,
            timeout=120,
            step_delay=None,
        )
        order = self.quotation
        self.assertTrue(order.signature)
        self.assertEqual(order.state, "sale")
        self.assertEqual(
            (order.chorus_service_code, order.chorus_engagement, order.chorus_market_number),
            ("SERV-PHARMA", "1300012345", "M-2026-7"),
        )
        self.assertEqual(self.hospital.chorus_service_code, "SERV-PHARMA")

        salesperson = new_test_user(
            self.env,
            login="vendeur",
            groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        invoice = order.with_user(salesperson)._create_invoices()
        invoice.chorus_payment_means = "30"
        invoice.action_post()
        self.assertEqual(
            tuple(invoice[name] for name in REFERENCE_FIELDS), ("SERV-PHARMA", "1300012345", "M-2026-7")
        )
        self.assertEqual(invoice.chorus_engagement_source, f"Source: order {order.name}")
        problems = invoice._chorus_preflight(include_warnings=True)
        about_references = [
            problem for problem in problems if problem["field"] in (*REFERENCE_FIELDS, "chorus_buyer_siret")
        ]
        self.assertEqual(about_references, [])
