"""Vendor API tests over real HTTP: a customer registers, orders, pays with the Demo provider."""

import base64
import json
import os
import re
import tempfile
import uuid
from unittest.mock import patch

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from odoo.tests import HttpCase

from .. import signing

KEY_IDS = ("test-a", "test-b")


class VendorApiCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        keys = {key_id: signing.generate_pem() for key_id in KEY_IDS}
        handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
        with handle:
            json.dump(keys, handle)
        cls.addClassCleanup(os.unlink, handle.name)
        cls.public_keys = {
            key_id: signing.public_key_b64(key) for key_id, key in signing.load_keys(handle.name).items()
        }
        cls.startClassPatcher(
            patch.dict(
                os.environ,
                {signing.KEY_FILE_ENV: handle.name, signing.KEY_ID_ENV: KEY_IDS[0]},
            )
        )
        cls.env["ir.config_parameter"].set_param(signing.KEY_ID_PARAM, "")
        for kind in ("ip", "customer", "registration"):
            cls.env["ir.config_parameter"].set_param(f"chorus_token_vendor.rate_limit_{kind}", "1000")
        cls.demo = cls.env.ref("payment.payment_provider_demo")
        cls.demo.write({"state": "test", "is_published": True})
        cls.env["payment.provider"].search([("id", "!=", cls.demo.id)]).write({"state": "disabled"})
        cls.demo_method = cls.env.ref("payment_demo.payment_method_demo")
        cls.registrations = 0

    # -- HTTP helpers ----------------------------------------------------------------------
    def call(self, method, path, body=None, customer=None):
        headers = {"Content-Type": "application/json"}
        if customer:
            headers["Authorization"] = f"Bearer {customer['customer_id']}.{customer['secret']}"
        response = self.url_open(
            path, data=json.dumps(body) if body is not None else None, headers=headers, method=method
        )
        return response.status_code, response.json(), response.headers

    def register(self, name="Mairie de Testville", **extra):
        type(self).registrations += 1
        body = {
            "database_uuid": f"db-{self.registrations}-{id(self)}",
            "company_id": 1,
            "company_name": name,
            "siret": "",
            "vat": "",
            "email": "compta@example.com",
            "country_code": "FR",
            "street": "1 place de la Mairie",
            "zip": "75001",
            "city": "Paris",
            **extra,
        }
        status, answer, _headers = self.call("POST", "/vendor/v2/customers", body)
        self.assertEqual(status, 201, answer)
        return answer

    @staticmethod
    def order_body(pack_code="pack_200", request_id=None):
        """Contract v2 §3: ``request_id`` is the customer's idempotency key, a new one per order."""
        return {
            "pack_code": pack_code,
            "environment": "production",
            "request_id": request_id or uuid.uuid4().hex,
        }

    def order(self, customer, pack_code="pack_200", request_id=None):
        status, answer, _headers = self.call(
            "POST", "/vendor/v2/orders", self.order_body(pack_code, request_id), customer
        )
        self.assertEqual(status, 201, answer)
        return answer

    def jsonrpc(self, path, params):
        response = self.url_open(path, json={"jsonrpc": "2.0", "method": "call", "params": params})
        answer = response.json()
        self.assertNotIn("error", answer, answer)
        return answer.get("result")

    def simulate_payment(self, order_answer):
        """What the buyer's browser does on the payment page, with the Demo provider: the payment is
        done, Odoo has not post-processed it yet. Answers the ``sale.order``."""
        order = self.env["sale.order"].search([("name", "=", order_answer["order_id"])])
        page = self.url_open(order_answer["payment_url"])
        self.assertEqual(page.status_code, 200)
        csrf_token = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        processing = self.jsonrpc(
            f"/my/orders/{order.id}/transaction",
            {
                "access_token": order.access_token,
                "provider_id": self.demo.id,
                "payment_method_id": self.demo_method.id,
                "token_id": None,
                "amount": order.amount_total,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "is_validation": False,
                "csrf_token": csrf_token,
            },
        )
        self.jsonrpc(
            "/payment/demo/simulate_payment",
            {"reference": processing["reference"], "payment_details": "4242", "simulated_state": "done"},
        )
        return order

    def pay(self, customer, order_answer):
        """Pays on the payment page, then reads the order as the customer does."""
        self.simulate_payment(order_answer)
        status, answer, _headers = self.call(
            "GET", f"/vendor/v2/orders/{order_answer['order_id']}", None, customer
        )
        self.assertEqual(status, 200, answer)
        return answer

    def assert_signed_by(self, voucher, key_id):
        self.assertEqual(voucher["payload"]["key_id"], key_id)
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_keys[key_id]))
        public.verify(base64.b64decode(voucher["signature"]), signing.canonical_payload(voucher["payload"]))
