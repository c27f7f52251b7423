"""The addon's token vendor client against the sandbox vendor, over real HTTP."""

import socket

import pytest

from chorus.token_vendor import TokenVendorClient, VendorRefusedError, VendorUnreachableError
from chorus.vouchers import SANDBOX_VENDOR_PUBLIC_KEY, verify_voucher


def test_order_pay_and_read_the_voucher(sandbox):
    vendor = TokenVendorClient(sandbox.url)
    order = vendor.create_order(company_ref="db:1", pack_code="pack_500", tokens=500, amount="235.00")
    assert order["status"] == "pending"
    assert order["payment_url"] == f"{sandbox.url}/vendor/pay/{order['order_id']}"
    assert "voucher" not in vendor.order_status(order["order_id"])
    # What the « Payer » button of the payment page does.
    vendor.session.post(order["payment_url"], timeout=10).raise_for_status()
    answer = vendor.order_status(order["order_id"])
    assert answer["status"] == "paid"
    payload = verify_voucher(SANDBOX_VENDOR_PUBLIC_KEY, answer["voucher"])
    assert (payload["order_id"], payload["tokens"], payload["company_ref"]) == (
        order["order_id"],
        500,
        "db:1",
    )


def test_refused_order(sandbox):
    with pytest.raises(VendorRefusedError) as refused:
        TokenVendorClient(sandbox.url).create_order(
            company_ref="db:1", pack_code="pack_200", tokens=0, amount="1"
        )
    assert refused.value.status == 400


def test_unknown_order_is_refused(sandbox):
    with pytest.raises(VendorRefusedError):
        TokenVendorClient(sandbox.url).order_status("ORD-NOPE")


def test_vendor_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(VendorUnreachableError):
        TokenVendorClient(f"http://127.0.0.1:{port}", timeout=2).create_order(
            company_ref="db:1", pack_code="pack_200", tokens=200, amount="100.00"
        )
