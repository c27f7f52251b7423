# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer addon against the real vendor addon, two databases over HTTP (contract v2, harness).

tests/run serves a vendor database (``chorus_token_vendor``, Demo payment provider, test keys)
on 127.0.0.1 and exports ``CHORUS_TEST_VENDOR_*``. The customer company is in Production mode:
it registers, buys, pays on the vendor's own payment page (the Demo provider, driven over
JSON-RPC as the buyer's browser does, and once by the browser itself), and is credited once.
The publisher's back-office actions (refund, key rotation, invoice check) go through the
vendor's JSON-RPC with its administrator. The keys the harness generated are trusted for the
test by patching ``TRUSTED_VENDOR_KEYS`` (data, not a mock: the production key's private half
exists nowhere near the tests).
"""

import json
import os
import re
import unittest
import uuid
from decimal import Decimal
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..chorus import vouchers
from ..chorus.token_vendor import VendorRefusedError
from ..chorus.vouchers import sign_voucher
from ..models.chorus_token_pack import forget_vendor_prices
from ..models.res_company_tokens import VENDOR_URL_PARAM

WALLET_LOGGER = "odoo.addons.l10n_fr_chorus_connect.models.chorus_token_wallet"
KEY_ID_PARAM = "chorus_token_vendor.key_id"  # the vendor's active key (chorus_token_vendor/signing.py)
PRODUCTION = frozenset({"qualification", "production"})
SETTINGS = "/odoo/action-account.action_account_config"


class VendorBackOffice:
    """The vendor database as its administrator and as a buyer's browser reach it: JSON-RPC over HTTP."""

    def __init__(self, url, db, login, password):
        self.url, self.db = url.rstrip("/"), db
        self.session = requests.Session()
        self.uid = self.rpc("/web/session/authenticate", {"db": db, "login": login, "password": password})[
            "uid"
        ]

    def rpc(self, path, params, session=None):
        answer = (session or self.session).post(
            f"{self.url}{path}", json={"jsonrpc": "2.0", "method": "call", "params": params}, timeout=60
        )
        answer.raise_for_status()
        body = answer.json()
        if "error" in body:
            raise AssertionError(f"vendor JSON-RPC {path}: {json.dumps(body['error'])[:2000]}")
        return body.get("result")

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw", {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        )

    def sale_order(self, name):
        [order] = self.call("sale.order", "search_read", [("name", "=", name)], ["id", "amount_total"])
        return order

    def pay(self, payment_url):
        """What the buyer's browser does on the vendor's payment page with the Demo provider."""
        buyer = requests.Session()
        page = buyer.get(payment_url, timeout=60)
        page.raise_for_status()
        csrf_token = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        parts = urlsplit(payment_url)
        order_id = int(re.search(r"/my/orders/(\d+)", parts.path).group(1))
        access_token = parse_qs(parts.query)["access_token"][0]
        demo = self.call(
            "payment.provider", "search_read", [("code", "=", "demo"), ("state", "!=", "disabled")], ["id"]
        )[0]["id"]
        method = self.call("payment.method", "search_read", [("code", "=", "demo")], ["id"])[0]["id"]
        amount = self.call("sale.order", "read", [order_id], ["amount_total"])[0]["amount_total"]
        processing = self.rpc(
            f"/my/orders/{order_id}/transaction",
            {
                "access_token": access_token,
                "provider_id": demo,
                "payment_method_id": method,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": f"/my/orders/{order_id}?access_token={access_token}",
                "is_validation": False,
                "csrf_token": csrf_token,
            },
            session=buyer,
        )
        self.rpc(
            "/payment/demo/simulate_payment",
            {"reference": processing["reference"], "payment_details": "4242", "simulated_state": "done"},
            session=buyer,
        )

    def refund(self, order_name):
        return self.call("sale.order", "action_chorus_vendor_refund", [self.sale_order(order_name)["id"]])

    def set_key(self, key_id):
        self.call("ir.config_parameter", "set_param", KEY_ID_PARAM, key_id)


def harness_keys():
    """``{key_id: public key}`` the harness generated (``CHORUS_TEST_VENDOR_KEYS`` lists them all
    when the key file holds several, for the rotation test)."""
    return json.loads(os.environ.get("CHORUS_TEST_VENDOR_KEYS") or "{}")


@tagged("post_install", "-at_install", "chorus_vendor_2db")
class TestVendorTwoDatabases(HttpCase):
    @classmethod
    def setUpClass(cls):
        url = os.environ.get("CHORUS_TEST_VENDOR_URL")
        if not url:
            if os.environ.get("CHORUS_TEST_REQUIRE_VENDOR") == "1":
                raise AssertionError(
                    "tests/run must serve the vendor database: CHORUS_TEST_VENDOR_URL is unset"
                )
            raise unittest.SkipTest(
                "no vendor database (CHORUS_TEST_VENDOR_URL unset): run through tests/run"
            )
        super().setUpClass()
        cls.vendor = VendorBackOffice(
            url,
            os.environ["CHORUS_TEST_VENDOR_DB"],
            os.environ["CHORUS_TEST_VENDOR_ADMIN_LOGIN"],
            os.environ["CHORUS_TEST_VENDOR_ADMIN_PASSWORD"],
        )
        cls.keys = harness_keys()
        cls.key_id = os.environ["CHORUS_TEST_VENDOR_KEY_ID"]
        cls.startClassPatcher(
            patch.dict(
                vouchers.TRUSTED_VENDOR_KEYS, {kid: (key, PRODUCTION) for kid, key in cls.keys.items()}
            )
        )
        cls.env["ir.config_parameter"].sudo().set_param(VENDOR_URL_PARAM, url)
        cls.company = cls.new_company("Mairie de Clientville")
        cls.other_company = cls.new_company("Autre client SARL")
        cls.manager = new_test_user(
            cls.env,
            login="chorus_2db_admin",
            groups="base.group_user,base.group_system,account.group_account_manager,"
            "l10n_fr_chorus_connect.group_chorus_manager",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.other_company).ids)],
        )
        cls.pack_200 = cls.env.ref("l10n_fr_chorus_connect.chorus_token_pack_200")
        cls.pack_500 = cls.env.ref("l10n_fr_chorus_connect.chorus_token_pack_500")
        # First contact, once per company for the class: the vendor database outlives each rollback.
        for company in (cls.company, cls.other_company):
            company._chorus_vendor_client("production")

    @classmethod
    def new_company(cls, name):
        return cls.env["res.company"].create(
            {
                "name": name,
                "country_id": cls.env.ref("base.fr").id,
                "street": "1 place de la Mairie",
                "zip": "75001",
                "city": "Paris",
                "email": "compta@example.com",
                "chorus_environment": "production",
            }
        )

    def setUp(self):
        super().setUp()
        forget_vendor_prices()
        self.addCleanup(forget_vendor_prices)

    # ------------------------------------------------------------------
    def wallet(self, company=None):
        wallet = (company or self.company)._chorus_wallet()
        wallet.invalidate_recordset()
        return wallet

    def buy(self, pack, company=None):
        company = company or self.company
        action = pack.with_user(self.manager).with_company(company).action_buy()
        self.assertEqual(action.get("res_model"), "chorus.token.order", action)
        return self.env["chorus.token.order"].browse(action["res_id"])

    def buy_and_pay(self, pack, company=None):
        order = self.buy(pack, company)
        self.vendor.pay(order.payment_url)
        return order

    def check(self, order):
        return order.with_user(self.manager).with_company(order.company_id).action_check_payment()["params"]

    def paste(self, voucher, company=None):
        wizard = (
            self.env["chorus.token.voucher"]
            .with_user(self.manager)
            .with_company(company or self.company)
            .create({"voucher": json.dumps(voucher), "company_id": (company or self.company).id})
        )
        return wizard.action_redeem()["params"]

    # ------------------------------------------------------------------
    def test_buy_pay_credit_once_and_the_vendor_invoice(self):
        self.assertEqual(self.pack_200.with_company(self.company).price_origin, "vendor")
        self.assertEqual(self.pack_200.with_company(self.company).price_total, 120.0)
        balance = self.wallet().balance
        order = self.buy(self.pack_200)
        self.assertTrue(order.payment_url.startswith(self.vendor.url + "/my/orders/"))
        self.assertEqual((order.amount, order.amount_tax, order.amount_total), (100.0, 20.0, 120.0))
        self.assertEqual(self.check(order)["type"], "info", "not paid yet")
        self.vendor.pay(order.payment_url)
        notification = self.check(order)
        self.assertEqual(notification["type"], "success", notification["message"])
        self.assertEqual(self.wallet().balance, balance + 200)
        payload = json.loads(order.voucher)["payload"]
        self.assertEqual(
            (payload["environment"], payload["key_id"], payload["kind"]),
            ("production", self.key_id, "purchase"),
        )
        # Checked again, by the button and the cron: credited once.
        self.check(order)
        with self.enter_registry_test_mode():
            self.env.ref("l10n_fr_chorus_connect.ir_cron_chorus_token_orders").method_direct_trigger()
        self.assertEqual(self.wallet().balance, balance + 200)
        # Replay: the same voucher pasted is not credited twice.
        with self.assertLogs(WALLET_LOGGER, "WARNING"):
            self.assertEqual(self.paste(json.loads(order.voucher))["type"], "warning")
        self.assertEqual(self.wallet().balance, balance + 200)
        # The vendor invoiced the customer with French VAT 20 %.
        self.assertTrue(order.invoice)
        [invoice] = self.vendor.call(
            "account.move",
            "search_read",
            [("name", "=", order.invoice)],
            ["amount_untaxed", "amount_tax", "amount_total", "state", "partner_id"],
        )
        self.assertEqual(
            (Decimal(str(invoice["amount_untaxed"])), Decimal(str(invoice["amount_tax"])), invoice["state"]),
            (Decimal("100.0"), Decimal("20.0"), "posted"),
        )
        self.assertIn("Mairie de Clientville", invoice["partner_id"][1])

    def test_forged_and_other_customer_vouchers_are_refused(self):
        balance = self.wallet().balance
        order = self.buy_and_pay(self.pack_200, self.other_company)
        other_voucher = self.vendor_voucher(order)
        with self.assertLogs(WALLET_LOGGER, "WARNING"):
            refused = self.paste(other_voucher)
        self.assertEqual(refused["type"], "danger")
        self.assertIn("another company", refused["message"])
        # Forged: our own company_ref, the vendor's key id, another key.
        forged = dict(other_voucher["payload"], company_ref=self.company._chorus_vendor_company_ref())
        with self.assertLogs(WALLET_LOGGER, "WARNING"):
            refused = self.paste(sign_voucher(Ed25519PrivateKey.generate(), forged))
        self.assertEqual(refused["type"], "danger")
        self.assertIn("signature", refused["message"])
        self.assertEqual(self.wallet().balance, balance)
        # The other company's own order is good for it.
        self.assertEqual(self.check(order)["type"], "success")

    def vendor_voucher(self, order):
        return order.company_id._chorus_vendor_call(
            "production", lambda client: client.order_status(order.name)
        )["voucher"]

    def test_refund_before_redemption_revokes(self):
        balance = self.wallet().balance
        order = self.buy_and_pay(self.pack_500)
        voucher = self.vendor_voucher(order)
        self.vendor.refund(order.name)
        with self.assertLogs(WALLET_LOGGER, "WARNING") as logs:
            self.assertEqual(self.paste(voucher)["type"], "danger")
        self.assertIn("revoked", logs.output[0])
        self.assertEqual(self.check(order)["type"], "warning")
        self.assertEqual(order.state, "failed")
        self.assertEqual(self.wallet().balance, balance)

    def test_refund_after_redemption_is_one_correction(self):
        order = self.buy_and_pay(self.pack_500)
        self.assertEqual(self.check(order)["type"], "success")
        balance = self.wallet().balance
        self.vendor.refund(order.name)
        wallets = self.env["chorus.token.wallet"]
        self.assertEqual(wallets._poll_corrections(self.company), 1)
        self.assertEqual(wallets._poll_corrections(self.company), 0)
        self.assertEqual(self.wallet().balance, balance - 500)
        correction = (
            self.env["chorus.token.ledger"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company.id),
                    ("kind", "=", "correction"),
                    ("order_id", "=", order.id),
                ]
            )
        )
        self.assertEqual(correction.quantity, -500)

    def test_key_rotation(self):
        others = [key_id for key_id in self.keys if key_id != self.key_id]
        if not others:
            self.skipTest(
                "the harness exported one vendor key (CHORUS_TEST_VENDOR_KEYS): no rotation to test"
            )
        self.vendor.set_key(others[0])
        self.addCleanup(self.vendor.set_key, self.key_id)
        order = self.buy_and_pay(self.pack_200)
        self.assertEqual(self.vendor_voucher(order)["payload"]["key_id"], others[0])
        # Both ids are trusted during the rotation: the new key's voucher credits.
        self.assertEqual(self.check(order)["type"], "success")
        # Once the old id is retired from the addon, a voucher it signed is refused.
        self.vendor.set_key(self.key_id)
        old = self.buy_and_pay(self.pack_200)
        with patch.dict(vouchers.TRUSTED_VENDOR_KEYS):
            del vouchers.TRUSTED_VENDOR_KEYS[self.key_id]
            with self.assertLogs(WALLET_LOGGER, "WARNING"):
                notification = self.check(old)
        self.assertEqual(notification["type"], "danger")
        self.assertIn("update the connector", notification["message"])

    def test_buy_tour_pays_on_the_vendor_page_in_the_browser(self):
        """Settings › packs › « Acheter » (tour, customer origin); the vendor's page is another
        origin, which a tour cannot follow: the browser is then driven there step by step."""
        balance = self.wallet().balance
        self.start_tour(SETTINGS, "l10n_fr_chorus_connect_vendor_buy_tour", login="chorus_2db_admin")
        order = self.env["chorus.token.order"].search([("company_id", "=", self.company.id)], limit=1)
        self.assertEqual(order.state, "pending")
        self.browser_js(
            order.payment_url,
            VENDOR_PAGE_PAY_JS,
            ready="document.readyState === 'complete'",
            timeout=120,
        )
        self.start_tour(SETTINGS, "l10n_fr_chorus_connect_vendor_check_tour", login="chorus_2db_admin")
        self.assertEqual(self.wallet().balance, balance + 200)

    # ------------------------------------------------------------------
    # Lost answers and reset registrations: the customer recovers, never with a second order.
    def test_same_request_id_is_one_vendor_order(self):
        request_id = "twodb-" + uuid.uuid4().hex

        def post(pack, key=request_id):
            return self.company._chorus_vendor_call(
                "production",
                lambda vendor: vendor.create_order(pack_code=pack, environment="production", request_id=key),
            )

        first, again = post("pack_200"), post("pack_200")
        self.assertEqual(again["order_id"], first["order_id"])
        self.assertEqual(len(self.vendor.call("sale.order", "search", [("name", "=", first["order_id"])])), 1)
        self.assertNotEqual(post("pack_200", "twodb-" + uuid.uuid4().hex)["order_id"], first["order_id"])
        with self.assertRaises(VendorRefusedError) as refused:
            post("pack_500")
        self.assertEqual((refused.exception.status, refused.exception.code), (409, "request_id_reused"))

    def test_registration_reset_by_the_publisher_registers_again(self):
        company = self.new_company(f"Mairie de Réinitialisée {uuid.uuid4().hex[:6]}")
        self.manager.company_ids = [Command.link(company.id)]
        balance = self.wallet(company).balance
        first = self.buy(self.pack_200, company)
        account = company._chorus_vendor_account(company._chorus_vendor_url())
        old_customer = account.customer_id
        # The publisher's back-office « Réinitialiser l'enregistrement », as its administrator.
        customers = self.vendor.call(
            "chorus.vendor.customer", "search", [("company_ref", "=", company._chorus_vendor_company_ref())]
        )
        self.vendor.call("chorus.vendor.customer", "action_reset_registration", customers)
        order = self.buy(self.pack_200, company)
        self.assertEqual(order.state, "pending")
        account = company._chorus_vendor_account(company._chorus_vendor_url())
        self.assertNotEqual(account.customer_id, old_customer, "registered again, with new credentials")
        self.vendor.pay(order.payment_url)
        self.assertEqual(self.check(order)["type"], "success")
        self.assertEqual(self.wallet(company).balance, balance + 200)
        self.assertNotEqual(first.name, order.name)
        # A wrong secret is not a reset: no new registration, the publisher is to be contacted.
        account.secret = "not-the-secret"
        with self.assertRaisesRegex(UserError, "refused this company's credentials"):
            self.check(first)
        still = company._chorus_vendor_account(company._chorus_vendor_url())
        self.assertEqual(still.customer_id, account.customer_id, "no new registration on a wrong secret")


# On the vendor's portal page of the order: the Demo provider's payment, as its « Pay » does
# (transaction route, then the Demo simulation), from the page's own origin and CSRF token.
VENDOR_PAGE_PAY_JS = """
(async () => {
    const rpc = async (path, params) => {
        const answer = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
            body: JSON.stringify({jsonrpc: "2.0", method: "call", params})});
        const body = await answer.json();
        if (body.error) { throw new Error(JSON.stringify(body.error)); }
        return body.result;
    };
    const form = document.querySelector("#o_payment_form, [name='o_payment_checkout']");
    const demo = document.querySelector(
        "input[name='o_payment_radio'][data-provider-code='demo'][data-payment-option-type='payment_method']");
    if (!form || !demo) { throw new Error("the vendor page shows no Demo payment"); }
    const url = new URL(window.location.href);
    const orderId = parseInt(url.pathname.match(/\\/my\\/orders\\/(\\d+)/)[1]);
    const accessToken = url.searchParams.get("access_token");
    const processing = await rpc(`/my/orders/${orderId}/transaction`, {
        access_token: accessToken, provider_id: parseInt(demo.dataset.providerId),
        payment_method_id: parseInt(demo.dataset.paymentOptionId), token_id: null,
        amount: parseFloat(form.dataset.amount), flow: "direct", tokenization_requested: false,
        landing_route: url.pathname + url.search, is_validation: false, csrf_token: odoo.csrf_token,
    });
    await rpc("/payment/demo/simulate_payment",
        {reference: processing.reference, payment_details: "4242", simulated_state: "done"});
    console.log("test successful");
})().catch((error) => console.error(error.message || error));
"""
