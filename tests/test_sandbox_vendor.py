"""The sandbox token vendor: order, pay, fetch a signed voucher."""

import pytest
import requests

from chorus.vouchers import (
    PRODUCTION_VENDOR_PUBLIC_KEY,
    SANDBOX_VENDOR_PUBLIC_KEY,
    InvalidVoucher,
    verify_voucher,
)

ORDER = {
    "company_ref": "db-uuid:1",
    "pack_code": "pack_500",
    "tokens": 500,
    "amount": 235.0,
    "currency": "EUR",
}


def order(sandbox, **changes):
    return requests.post(f"{sandbox.url}/vendor/v1/orders", json={**ORDER, **changes}, timeout=5)


def status(sandbox, order_id):
    return requests.get(f"{sandbox.url}/vendor/v1/orders/{order_id}", timeout=5)


def test_order_is_pending_until_paid_on_the_payment_page(sandbox):
    created = order(sandbox).json()
    assert created["status"] == "pending"
    assert created["payment_url"] == f"{sandbox.url}/vendor/pay/{created['order_id']}"
    pending = status(sandbox, created["order_id"]).json()
    assert pending["status"] == "pending"
    assert "voucher" not in pending

    page = requests.get(created["payment_url"], timeout=5)
    assert page.status_code == 200
    assert "<form" in page.text and "500 jetons" in page.text
    paid_page = requests.post(created["payment_url"], timeout=5)
    assert "Paiement accepté" in paid_page.text

    paid = status(sandbox, created["order_id"]).json()
    assert paid["status"] == "paid"
    payload = verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, paid["voucher"])
    assert payload["order_id"] == created["order_id"]
    assert payload["company_ref"] == "db-uuid:1"
    assert (payload["pack_code"], payload["tokens"], payload["environment"]) == ("pack_500", 500, "sandbox")
    with pytest.raises(InvalidVoucher):
        verify_voucher(PRODUCTION_VENDOR_PUBLIC_KEY, paid["voucher"])


def test_paying_twice_keeps_one_voucher(sandbox):
    created = order(sandbox).json()
    first = sandbox.control.pay_order(created["order_id"])
    second = sandbox.control.pay_order(created["order_id"])
    assert first["voucher"] == second["voucher"]
    assert first["status"] == "paid"


def test_each_order_gets_its_own_voucher_id(sandbox):
    ids = set()
    for _ in range(3):
        created = order(sandbox).json()
        ids.add(sandbox.control.pay_order(created["order_id"])["voucher"]["payload"]["voucher_id"])
    assert len(ids) == 3


@pytest.mark.parametrize(
    "changes",
    [{"tokens": 0}, {"tokens": "many"}, {"company_ref": ""}, {"currency": "USD"}, {"amount": "free"}],
)
def test_invalid_orders_are_refused(sandbox, changes):
    answer = order(sandbox, **changes)
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_unknown_order_is_404(sandbox):
    assert status(sandbox, "ORD-NOPE").status_code == 404
    assert requests.get(f"{sandbox.url}/vendor/pay/ORD-NOPE", timeout=5).status_code == 404
    with pytest.raises(Exception, match="404"):
        sandbox.control.pay_order("ORD-NOPE")


def test_vendor_calls_are_counted(sandbox):
    created = order(sandbox).json()
    status(sandbox, created["order_id"])
    stats = sandbox.control.stats()
    assert stats["vendor/v1/orders"] == 1
    assert stats["vendor/v1/orders/<id>"] == 1
