"""The sandbox token vendor (contract v2): register, order, pay, redeem, refund, corrections."""

import base64
import uuid

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chorus.vouchers import InvalidVoucher, public_key_b64, verify_trusted_voucher

CUSTOMER = {"database_uuid": "db-uuid", "company_id": 1, "company_name": "Exemple SA", "country_code": "FR"}


class Customer:
    def __init__(self, sandbox, company_id=1):
        self.url = f"{sandbox.url}/vendor/v2"
        answer = requests.post(
            f"{self.url}/customers", json={**CUSTOMER, "company_id": company_id}, timeout=5
        )
        assert answer.status_code == 201, answer.text
        self.account = answer.json()
        self.headers = {"Authorization": f"Bearer {self.account['customer_id']}.{self.account['secret']}"}

    def call(self, method, path, body=None):
        return requests.request(method, f"{self.url}/{path}", json=body, headers=self.headers, timeout=5)

    def order(self, **changes):
        body = {"pack_code": "pack_500", "environment": "sandbox", "request_id": uuid.uuid4().hex, **changes}
        return self.call("POST", "orders", {key: value for key, value in body.items() if value is not None})

    def paid_voucher(self, sandbox):
        created = self.order().json()
        return created, sandbox.control.pay_order(created["order_id"])["voucher"]


def test_order_is_pending_until_paid_on_the_payment_page(sandbox):
    customer = Customer(sandbox)
    answer = customer.order()
    assert answer.status_code == 201
    created = answer.json()
    assert created["payment_url"] == f"{sandbox.url}/vendor/pay/{created['order_id']}"
    pending = customer.call("GET", f"orders/{created['order_id']}").json()
    assert (pending["status"], pending["voucher"], pending["invoice"]) == ("pending", None, None)

    page = requests.get(created["payment_url"], timeout=5)
    assert "<form" in page.text and "500 jetons" in page.text and "282.00 € TTC" in page.text
    assert "Paiement accepté" in requests.post(created["payment_url"], timeout=5).text

    paid = customer.call("GET", f"orders/{created['order_id']}").json()
    assert paid["status"] == "paid" and paid["invoice"].startswith("SBX/")
    payload = verify_trusted_voucher(paid["voucher"], "sandbox")
    assert payload["company_ref"] == "db-uuid:1"
    assert (payload["key_id"], payload["kind"], payload["environment"]) == (
        "sandbox-1",
        "purchase",
        "sandbox",
    )
    with pytest.raises(InvalidVoucher):
        verify_trusted_voucher(paid["voucher"], "production")


def test_paying_twice_keeps_one_voucher_and_each_order_has_its_own(sandbox):
    customer = Customer(sandbox)
    created, voucher = customer.paid_voucher(sandbox)
    assert sandbox.control.pay_order(created["order_id"])["voucher"] == voucher
    ids = {customer.paid_voucher(sandbox)[1]["payload"]["voucher_id"] for _ in range(2)}
    assert len(ids | {voucher["payload"]["voucher_id"]}) == 3


def test_a_customer_sees_only_its_own_orders_and_vouchers(sandbox):
    mine, other = Customer(sandbox, 1), Customer(sandbox, 2)
    created, voucher = mine.paid_voucher(sandbox)
    assert other.call("GET", f"orders/{created['order_id']}").json()["code"] == "unknown_order"
    assert other.call("POST", f"vouchers/{voucher['payload']['voucher_id']}/redeem", {}).status_code == 404
    assert mine.call("POST", f"vouchers/{voucher['payload']['voucher_id']}/redeem", {}).status_code == 200


def test_refund_before_redemption_revokes_the_voucher(sandbox):
    customer = Customer(sandbox)
    created, voucher = customer.paid_voucher(sandbox)
    assert sandbox.control.refund_order(created["order_id"])["correction"] is None
    answer = customer.call("POST", f"vouchers/{voucher['payload']['voucher_id']}/redeem", {})
    assert (answer.status_code, answer.json()["code"]) == (410, "revoked")
    assert customer.call("GET", "corrections?after=").json() == {"corrections": []}


def test_refund_after_redemption_issues_a_correction_once(sandbox):
    customer = Customer(sandbox)
    created, voucher = customer.paid_voucher(sandbox)
    customer.call("POST", f"vouchers/{voucher['payload']['voucher_id']}/redeem", {})
    refund = sandbox.control.refund_order(created["order_id"])["correction"]
    payload = verify_trusted_voucher(refund, "sandbox")
    assert (payload["kind"], payload["tokens"], payload["order_id"]) == ("refund", -500, created["order_id"])
    assert customer.call("GET", "corrections").json()["corrections"] == [refund]
    after = customer.call("GET", f"corrections?after={payload['voucher_id']}").json()
    assert after == {"corrections": []}
    with pytest.raises(Exception, match="409"):
        sandbox.control.refund_order(created["order_id"])
    assert customer.call("GET", f"orders/{created['order_id']}").json()["status"] == "refunded"


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"pack_code": "pack_7"}, "unknown_pack"),
        ({"environment": "production"}, "bad_request"),
        ({"tokens": 500}, "bad_request"),
    ],
)
def test_invalid_orders_are_refused(sandbox, changes, code):
    answer = Customer(sandbox).order(**changes)
    assert (answer.status_code, answer.json()["code"]) == (400, code)


def test_registration_rules(sandbox):
    url = f"{sandbox.url}/vendor/v2/customers"
    assert requests.post(url, json={**CUSTOMER, "company_ref": "x:1"}, timeout=5).status_code == 400
    assert requests.post(url, json={**CUSTOMER, "siret": "123"}, timeout=5).status_code == 400
    Customer(sandbox)
    assert requests.post(url, json=CUSTOMER, timeout=5).json()["code"] == "already_registered"
    sandbox.control.forget_vendor_customer("db-uuid:1")
    Customer(sandbox)


def test_prices_follow_the_vendor(sandbox):
    sandbox.control.configure_vendor(prices={"pack_200": "90.00"})
    packs = requests.get(f"{sandbox.url}/vendor/v2/packs", timeout=5).json()["packs"]
    assert (packs[0]["amount_untaxed"], packs[0]["amount_tax"], packs[0]["amount_total"]) == (
        "90.00",
        "18.00",
        "108.00",
    )
    created = Customer(sandbox).order(pack_code="pack_200").json()
    assert created["amount_total"] == "108.00"


def test_unknown_order_is_404_and_calls_are_counted(sandbox):
    customer = Customer(sandbox)
    assert customer.call("GET", "orders/ORD-NOPE").status_code == 404
    assert requests.get(f"{sandbox.url}/vendor/pay/ORD-NOPE", timeout=5).status_code == 404
    with pytest.raises(Exception, match="404"):
        sandbox.control.pay_order("ORD-NOPE")
    customer.order()
    stats = sandbox.control.stats()
    assert (stats["vendor/v2/customers"], stats["vendor/v2/orders"]) == (1, 1)
    assert requests.get(f"{sandbox.url}/vendor/v1/orders/X", timeout=5).status_code == 404


def test_the_sandbox_can_play_the_publisher_with_a_test_key(sandbox):
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    customer = Customer(sandbox)
    assert customer.order(environment="production").status_code == 400
    sandbox.control.configure_vendor(
        signer={
            "key_id": "k-test",
            "private_key": base64.b64encode(raw).decode(),
            "environments": ["production"],
        }
    )
    created = customer.order(environment="production").json()
    voucher = sandbox.control.pay_order(created["order_id"])["voucher"]
    trusted = {"k-test": (public_key_b64(key), frozenset({"production"}))}
    payload = verify_trusted_voucher(voucher, "production", trusted)
    assert (payload["key_id"], payload["environment"]) == ("k-test", "production")
    sandbox.control.reset()
    assert Customer(sandbox).order(environment="production").status_code == 400


def test_same_request_id_answers_the_same_order(sandbox):
    customer = Customer(sandbox)
    first = customer.order(request_id="A" * 32)
    again = customer.order(request_id="A" * 32)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    other = customer.order(request_id="B" * 32)
    assert other.json()["order_id"] != first.json()["order_id"]
    # The key belongs to its customer: another company's identical key is another order.
    assert (
        Customer(sandbox, company_id=2).order(request_id="A" * 32).json()["order_id"]
        != first.json()["order_id"]
    )


def test_same_request_id_for_another_pack_is_refused(sandbox):
    customer = Customer(sandbox)
    customer.order(request_id="C" * 32)
    answer = customer.order(request_id="C" * 32, pack_code="pack_200")
    assert (answer.status_code, answer.json()["code"]) == (409, "request_id_reused")


@pytest.mark.parametrize("request_id", [None, "", "short", "é" * 32, 12345678901234567])
def test_order_without_a_valid_request_id_is_refused(sandbox, request_id):
    answer = Customer(sandbox).order(request_id=request_id)
    assert (answer.status_code, answer.json()["code"]) == (400, "bad_request")
