# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Chorus Pro references on quotations, checked at confirmation against the buyer's directory entry."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.l10n_fr_chorus_connect.tests.common import SIRET_COMMUNITY

from .common import ChorusSaleCase


@tagged("post_install", "-at_install")
class TestChorusSaleOrder(ChorusSaleCase):
    def assert_confirmation_refused(self, order, *fragments):
        with self.assertRaises(UserError) as caught:
            order.action_confirm()
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        self.assertEqual(order.state, "draft")

    def test_service_code_defaults_from_the_invoice_address(self):
        order = self.create_order(self.public_partner, partner_invoice_id=self.public_invoice_address.id)
        self.assertTrue(order.chorus_is_public)
        self.assertEqual(order.chorus_service_code, "SERV-COMPTA")

    def test_service_code_of_a_confirmed_order_stays_when_the_address_changes(self):
        order = self.create_order(self.public_partner, partner_invoice_id=self.public_invoice_address.id)
        order.action_confirm()
        self.public_invoice_address.chorus_service_code = False
        self.assertEqual(order.chorus_service_code, "SERV-COMPTA")

    def test_private_customer_gets_no_reference_and_no_check(self):
        order = self.create_order(self.partner_a)
        self.assertFalse(order.chorus_is_public)
        self.assertFalse(order.chorus_service_code)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_missing_engagement_blocks_confirmation(self):
        order = self.create_order(self.public_body)
        self.assert_confirmation_refused(order, "Engagement Number", "requires an engagement number")

    def test_missing_engagement_warns_when_the_company_says_so(self):
        self.company.chorus_sale_missing_engagement = "warn"
        order = self.create_order(self.public_body)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("requires an engagement number", order.message_ids[:1].body)
        activity = order.activity_ids
        self.assertEqual(activity.summary, "Get the engagement number (Chorus Pro)")
        self.assertEqual(activity.user_id, order.user_id)

    def test_warn_setting_never_lets_a_too_long_engagement_through(self):
        self.company.chorus_sale_missing_engagement = "warn"
        order = self.create_order(self.public_body, chorus_engagement="E" * 51)
        self.assert_confirmation_refused(order, "51 characters", "at most 50")

    def test_engagement_given_confirms(self):
        order = self.create_order(self.public_body, chorus_engagement="  EJ-2026-0002 ")
        self.assertEqual(order.chorus_engagement, "EJ-2026-0002")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_missing_service_blocks_confirmation(self):
        order = self.create_order(self.public_partner, partner_invoice_id=self.public_partner.id)
        self.assertFalse(order.chorus_service_code)
        self.assert_confirmation_refused(order, "Service Code", "requires a service code")

    def test_inactive_service_blocks_confirmation(self):
        order = self.create_order(self.public_partner, chorus_service_code="SERV-ANCIEN")
        self.assert_confirmation_refused(order, "SERV-ANCIEN", "is inactive in Chorus Pro")

    def test_unknown_service_blocks_confirmation(self):
        order = self.create_order(self.public_partner, chorus_service_code="SERV-INCONNU")
        self.assert_confirmation_refused(order, "SERV-INCONNU", "does not exist in Chorus Pro")

    def test_public_invoices_service_blocks_confirmation(self):
        order = self.create_order(self.public_partner, chorus_service_code="FACTURES_PUBLIQUES")
        self.assert_confirmation_refused(order, "FACTURES_PUBLIQUES")

    def test_service_or_engagement_buyer(self):
        order = self.create_order(self.hospital)
        self.assert_confirmation_refused(order, "requires a service code or an engagement number")
        order.chorus_engagement = "1300012345"
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_service_that_needs_an_engagement(self):
        order = self.create_order(self.hospital, chorus_service_code="SERV-PHARMA")
        self.assert_confirmation_refused(order, "The service SERV-PHARMA requires an engagement number")

    def test_buyer_never_read_from_the_directory_confirms_with_a_note(self):
        order = self.create_order(self.buyers[SIRET_COMMUNITY])
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("has not been read from the Chorus Pro directory yet", order.message_ids[:1].body)
        self.assertFalse(order.activity_ids)

    def test_inactive_buyer_blocks_confirmation(self):
        self.commune_structure.is_active = False
        order = self.create_order(self.public_partner, partner_invoice_id=self.public_invoice_address.id)
        self.assert_confirmation_refused(order, "is inactive in Chorus Pro")

    def test_engagement_listed_in_chorus_confirms_without_note(self):
        order = self.create_order(self.public_body, chorus_engagement="EJ-2026-0002")
        order.action_confirm()
        self.assertFalse(order.message_ids.filtered(lambda message: "open order" in (message.body or "")))

    def test_engagement_unknown_to_chorus_confirms_with_a_note(self):
        order = self.create_order(self.public_body, chorus_engagement="EJ-INCONNU-9")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn(
            "Chorus Pro does not list the engagement number EJ-INCONNU-9 as an open order",
            order.message_ids[:1].body,
        )
        self.assertFalse(order.activity_ids)

    def test_engagement_not_checked_when_chorus_cannot_answer(self):
        self.inject_fault("engagementsJuridiques/v1/rechercher", "http_500", times=5)
        order = self.create_order(self.public_body, chorus_engagement="EJ-INCONNU-9")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.message_ids.filtered(lambda message: "open order" in (message.body or "")))
