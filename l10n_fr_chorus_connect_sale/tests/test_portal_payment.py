# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A visitor holding the quotation link pays in the portal only once the Chorus Pro references are complete.

The request is the one the portal's payment form sends (payment/static/src/interactions/payment_form.js,
``_prepareTransactionRouteParams``): a JSON-RPC POST to /my/orders/<id>/transaction with the order's
access token, from a visitor who is not logged in.
"""

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_portal import ChorusPortalCase


@tagged("post_install", "-at_install")
class TestChorusPortalPayment(ChorusPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The generic provider payment's own tests use (payment/tests/common.py): no payment addon
        # is needed, its redirect flow only creates the draft transaction.
        payment_method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Paiement de test",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(payment_method.ids)],
            }
        )
        payment_method.active = True  # once a provider offers it (payment_method.py refuses before)
        cls.payment_method = payment_method

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)  # the visitor who opened the link of the quotation e-mail

    def pay(self, order, access_token=None):
        """The JSON-RPC reply of the transaction route: its ``result`` or its ``error``."""
        params = {
            "access_token": access_token or order._portal_ensure_token(),
            "provider_id": self.provider.id,
            "payment_method_id": self.payment_method.id,
            "token_id": None,
            "amount": order.amount_total,
            "flow": "redirect",
            "tokenization_requested": False,
            "landing_route": order.get_portal_url(),
            "is_validation": False,
        }
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/orders/{order.id}/transaction",
                json={"jsonrpc": "2.0", "method": "call", "id": 0, "params": params},
            )
        return response.json()

    def refusal(self, order, access_token=None):
        reply = self.pay(order, access_token)
        self.assertNotIn("result", reply)
        self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.ValidationError")
        return reply["error"]["data"]["message"]

    def test_payment_refused_until_the_engagement_is_there(self):
        message = self.refusal(self.quotation)
        self.assertIn("Before signing or paying, complete the Chorus Pro references", message)
        self.assertIn("requires a service code or an engagement number", message)
        self.assertFalse(self.quotation.transaction_ids)
        self.assertEqual(self.quotation.state, "draft")

        self.quotation.chorus_engagement = "1300012345"
        result = self.pay(self.quotation)["result"]
        transaction = self.quotation.transaction_ids
        self.assertEqual(result["reference"], transaction.reference)
        self.assertEqual(transaction.provider_id, self.provider)
        self.assertEqual(transaction.amount, self.quotation.amount_total)
        self.assertEqual(transaction.partner_id, self.hospital)  # the invoice address, for a visitor

    def test_refusal_in_french_for_a_french_visitor(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_fr_chorus_connect", "l10n_fr_chorus_connect_sale"], ["fr_FR"], overwrite=True
        )
        self.authenticate(None, None, session_extra={"context": {"lang": "fr_FR"}})
        message = self.refusal(self.quotation)
        self.assertIn("exige un code service ou un numéro d'engagement", message)
        self.assertFalse(self.quotation.transaction_ids)

    def test_private_customer_pays_without_chorus_references(self):
        order = self.create_order(self.partner_a)
        self.assertIn("result", self.pay(order))
        self.assertEqual(len(order.transaction_ids), 1)

    def test_wrong_token_gets_the_answer_of_sale(self):
        self.quotation.chorus_engagement = "1300012345"
        self.assertEqual(self.refusal(self.quotation, "not-the-token"), "The access token is invalid.")
        self.assertFalse(self.quotation.transaction_ids)
