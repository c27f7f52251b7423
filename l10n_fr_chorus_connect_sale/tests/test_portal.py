# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public buyer's own space over HTTP: its SIRET and service code, the engagement of its quotations.

Every bad input gets a clear message and changes nothing; another customer's order is out of reach.
"""

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.l10n_fr_chorus_connect.tests.common import SIRET_COMMUNE, SIRET_HOSPITAL

from .common import ChorusSaleCase

# 1x1 transparent PNG: the smallest signature the portal accepts.
SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
BAD_CHECKSUM_SIRET = "26750045200202"


class ChorusPortalCase(ChorusSaleCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer_user = new_test_user(
            cls.env,
            login="acheteur.hopital",
            groups="base.group_portal",
            name="Acheteuse Hôpital",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.buyer_contact = cls.buyer_user.partner_id
        cls.buyer_contact.parent_id = cls.hospital
        cls.quotation = cls.create_order(cls.buyer_contact, partner_invoice_id=cls.hospital.id)
        cls.other_quotation = cls.create_order(cls.public_body)

    def setUp(self):
        super().setUp()
        self.authenticate(self.buyer_user.login, self.buyer_user.login)

    def post(self, url, **data):
        return self.url_open(url, data={**data, "csrf_token": http.Request.csrf_token(self)})

    def save_account(self, siret, service_code):
        return self.post("/my/account/chorus", siret=siret, service_code=service_code)

    def save_order(self, order, engagement, market_number="", access_token=None):
        url = f"/my/orders/{order.id}/chorus"
        if access_token:
            url += f"?access_token={access_token}"
        return self.post(url, engagement=engagement, market_number=market_number)

    def sign(self, order):
        return self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": order.access_token, "name": "Acheteuse Hôpital", "signature": SIGNATURE},
        )

    def partner_messages(self, partner):
        return partner.message_ids.filtered(lambda message: "from the portal" in (message.body or ""))


@tagged("post_install", "-at_install")
class TestChorusPortalAccount(ChorusPortalCase):
    def test_account_page_offers_the_active_services_of_the_buyer(self):
        page = self.url_open("/my/account").text
        self.assertIn('id="chorus_pro"', page)
        self.assertIn(SIRET_HOSPITAL, page)
        self.assertIn('value="SERV-PHARMA"', page)
        self.assertIn('value="SERV-TECH"', page)
        self.assertNotIn('value="FACTURES_PUBLIQUES"', page)

    def test_private_customer_sees_no_chorus_block(self):
        self.buyer_contact.parent_id = self.partner_a
        self.assertNotIn('id="chorus_pro"', self.url_open("/my/account").text)

    def test_siret_and_service_saved_and_logged_on_the_partner(self):
        page = self.save_account(SIRET_HOSPITAL, "SERV-PHARMA").text
        self.assertIn("Your Chorus Pro references are saved.", page)
        self.assertEqual(self.hospital.chorus_service_code, "SERV-PHARMA")
        self.assertEqual(self.hospital.chorus_service_id.code, "SERV-PHARMA")
        log = self.partner_messages(self.hospital)
        self.assertIn("SERV-PHARMA", log.body)
        self.assertEqual(log.author_id, self.buyer_contact)
        # The quotation follows the buyer's service until it is confirmed.
        self.assertEqual(self.quotation.chorus_service_code, "SERV-PHARMA")

    def test_siret_with_a_bad_checksum_is_refused(self):
        page = self.save_account(BAD_CHECKSUM_SIRET, "SERV-TECH").text
        self.assertIn("Billing SIRET: 26750045200202 is not valid: the check digit is wrong", page)
        self.assertIn(f'value="{BAD_CHECKSUM_SIRET}"', page)  # what the buyer typed, to correct it
        self.assertEqual(self.hospital.company_registry, SIRET_HOSPITAL)
        self.assertFalse(self.hospital.chorus_service_code)
        self.assertFalse(self.partner_messages(self.hospital))

    def test_public_invoices_service_is_refused(self):
        page = self.save_account(SIRET_HOSPITAL, "FACTURES_PUBLIQUES").text
        self.assertIn("service FACTURES_PUBLIQUES is reserved to invoices between public bodies", page)
        self.assertFalse(self.hospital.chorus_service_code)
        self.assertFalse(self.partner_messages(self.hospital))

    def test_no_service_is_refused_when_the_authority_requires_one(self):
        page = self.save_account(SIRET_COMMUNE, "").text
        self.assertIn("requires one in Chorus Pro", page)
        self.assertFalse(self.hospital.chorus_service_code)
        self.assertFalse(self.partner_messages(self.hospital))

    def test_inactive_or_unknown_service_is_refused(self):
        page = self.save_account(SIRET_HOSPITAL, "SERV-INCONNU").text
        self.assertIn("the service SERV-INCONNU does not exist in Chorus Pro", page)
        self.assertFalse(self.hospital.chorus_service_code)

    def test_service_typed_when_the_directory_is_not_read(self):
        self.env["chorus.structure"].search([("siret", "=", SIRET_HOSPITAL)]).unlink()
        page = self.url_open("/my/account").text
        self.assertIn('<input type="text" name="service_code"', page)
        self.save_account(SIRET_HOSPITAL, "SERV-A-VERIFIER")
        self.assertEqual(self.hospital.chorus_service_code, "SERV-A-VERIFIER")

    def test_messages_in_french_for_a_french_buyer(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_fr_chorus_connect", "l10n_fr_chorus_connect_sale"], ["fr_FR"], overwrite=True
        )
        self.buyer_user.lang = "fr_FR"
        self.authenticate(self.buyer_user.login, self.buyer_user.login)
        page = self.save_account(BAD_CHECKSUM_SIRET, "").text
        self.assertIn("SIRET de facturation : 26750045200202 n&#39;est pas valide", page)
        page = self.save_order(self.quotation, "E" * 51).text
        self.assertIn("Numéro d&#39;engagement : il compte 51 caractères", page)
        error = self.sign(self.quotation)["error"]
        self.assertIn("exige un code service ou un numéro d'engagement", error)


@tagged("post_install", "-at_install")
class TestChorusPortalQuotation(ChorusPortalCase):
    def test_signing_refused_until_the_engagement_is_there(self):
        error = self.sign(self.quotation)["error"]
        self.assertIn("Before signing or paying, complete the Chorus Pro references", error)
        self.assertIn("requires a service code or an engagement number", error)
        self.assertIn("or enter the engagement number of this order in the Chorus Pro box.", error)
        self.assertEqual(self.quotation.state, "draft")
        self.assertFalse(self.quotation.signature)

        page = self.save_order(self.quotation, "1300012345", "M-2026-7").text
        self.assertIn("Your Chorus Pro references are saved.", page)
        self.assertEqual(self.quotation.chorus_engagement, "1300012345")
        self.assertEqual(self.quotation.chorus_market_number, "M-2026-7")
        note = self.quotation.message_ids.filtered(
            lambda message: "entered by the customer" in (message.body or "")
        )
        self.assertIn("1300012345", note.body)
        self.assertEqual(note.author_id, self.buyer_contact)

        # SERV-PHARMA needs an engagement, the hospital needs a service or an engagement: both are there.
        self.save_account(SIRET_HOSPITAL, "SERV-PHARMA")
        result = self.sign(self.quotation)
        self.assertNotIn("error", result)
        self.assertEqual(self.quotation.state, "sale")

    def test_engagement_of_51_characters_is_refused(self):
        page = self.save_order(self.quotation, "E" * 51).text
        self.assertIn("Engagement Number: it has 51 characters; Chorus Pro accepts at most 50.", page)
        self.assertFalse(self.quotation.chorus_engagement)
        self.assertFalse(
            self.quotation.message_ids.filtered(lambda m: "entered by the customer" in (m.body or ""))
        )

    def test_another_customers_order_is_out_of_reach(self):
        response = self.save_order(self.other_quotation, "EJ-PIRATE")
        self.assertNotIn(f"/my/orders/{self.other_quotation.id}", response.url)
        self.assertFalse(self.other_quotation.chorus_engagement)
        response = self.save_order(self.other_quotation, "EJ-PIRATE", access_token="not-the-token")
        self.assertFalse(self.other_quotation.chorus_engagement)
        result = self.make_jsonrpc_request(
            f"/my/orders/{self.other_quotation.id}/accept", {"name": "X", "signature": SIGNATURE}
        )
        self.assertEqual(result["error"], "Invalid order.")
        self.assertFalse(self.other_quotation.signature)

    def test_confirmed_order_references_are_read_only(self):
        self.quotation.write({"chorus_engagement": "1300012345"})
        self.quotation.action_confirm()
        page = self.save_order(self.quotation, "EJ-AUTRE").text
        self.assertIn("This order is confirmed: ask your contact to change its references.", page)
        self.assertEqual(self.quotation.chorus_engagement, "1300012345")
