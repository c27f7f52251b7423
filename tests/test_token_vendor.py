"""The addon's token vendor client (contract v2) against the sandbox vendor, over real HTTP."""

import socket

import pytest

from chorus.token_vendor import TokenVendorClient, VendorRefusedError, VendorUnreachableError
from chorus.vouchers import verify_trusted_voucher

CUSTOMER = {
    "database_uuid": "db-uuid",
    "company_id": 1,
    "company_name": "Société Exemple",
    "siret": "12345678200010",
    "vat": "FR12123456782",
    "email": "compta@exemple.fr",
    "country_code": "FR",
    "street": "1 rue de la Paix",
    "zip": "75002",
    "city": "Paris",
}


def registered(sandbox, **changes):
    public = TokenVendorClient(sandbox.url)
    answer = public.register({**CUSTOMER, **changes})
    return TokenVendorClient(sandbox.url, credentials=(answer["customer_id"], answer["secret"])), answer


def test_packs_are_public_with_vat(sandbox):
    packs = TokenVendorClient(sandbox.url).packs()
    assert (packs["currency"], packs["vat_rate"]) == ("EUR", "20.00")
    assert [(p["code"], p["tokens"], p["amount_untaxed"], p["amount_total"]) for p in packs["packs"]] == [
        ("pack_200", 200, "100.00", "120.00"),
        ("pack_500", 500, "235.00", "282.00"),
        ("pack_1000", 1000, "450.00", "540.00"),
        ("pack_2500", 2500, "1000.00", "1200.00"),
    ]


def test_register_order_pay_redeem(sandbox):
    vendor, account = registered(sandbox)
    assert account["company_ref"] == "db-uuid:1"
    assert account["customer_id"].startswith("CUS-") and len(account["secret"]) >= 43
    order = vendor.create_order(pack_code="pack_500", environment="sandbox")
    assert (order["status"], order["amount_total"], order["voucher"]) == ("pending", "282.00", None)
    assert order["payment_url"] == f"{sandbox.url}/vendor/pay/{order['order_id']}"
    # What the « Payer » button of the payment page does.
    vendor.session.post(order["payment_url"], timeout=10).raise_for_status()
    answer = vendor.order_status(order["order_id"])
    assert answer["status"] == "paid" and answer["invoice"]
    payload = verify_trusted_voucher(answer["voucher"], "sandbox")
    assert (payload["order_id"], payload["tokens"], payload["company_ref"], payload["kind"]) == (
        order["order_id"],
        500,
        "db-uuid:1",
        "purchase",
    )
    assert vendor.redeem(payload["voucher_id"]) == {"status": "redeemed"}
    assert vendor.redeem(payload["voucher_id"]) == {"status": "redeemed"}, "idempotent"


def test_second_registration_is_a_conflict(sandbox):
    registered(sandbox)
    with pytest.raises(VendorRefusedError) as refused:
        registered(sandbox)
    assert (refused.value.status, refused.value.code) == (409, "already_registered")


@pytest.mark.parametrize(
    "credentials, code", [(None, "unknown_customer"), (("CUS-nope", "x"), "unknown_customer")]
)
def test_calls_need_credentials(sandbox, credentials, code):
    with pytest.raises(VendorRefusedError) as refused:
        TokenVendorClient(sandbox.url, credentials=credentials).create_order(
            pack_code="pack_200", environment="sandbox"
        )
    assert refused.value.code == code


def test_wrong_secret_is_refused(sandbox):
    vendor, account = registered(sandbox)
    vendor.credentials = (account["customer_id"], "not-the-secret")
    with pytest.raises(VendorRefusedError) as refused:
        vendor.create_order(pack_code="pack_200", environment="sandbox")
    assert (refused.value.status, refused.value.code) == (401, "bad_secret")


def test_refused_order_codes(sandbox):
    vendor, _account = registered(sandbox)
    with pytest.raises(VendorRefusedError) as refused:
        vendor.create_order(pack_code="pack_3", environment="sandbox")
    assert refused.value.code == "unknown_pack"
    with pytest.raises(VendorRefusedError) as refused:
        vendor.order_status("ORD-NOPE")
    assert refused.value.code == "unknown_order"


def test_payment_unavailable_and_rate_limited(sandbox):
    vendor, _account = registered(sandbox)
    sandbox.control.configure_vendor(payment_available=False)
    with pytest.raises(VendorUnreachableError) as unavailable:
        vendor.create_order(pack_code="pack_200", environment="sandbox")
    assert (unavailable.value.status, unavailable.value.code) == (503, "payment_unavailable")
    sandbox.control.configure_vendor(payment_available=True, rate_limited=1)
    with pytest.raises(VendorRefusedError) as limited:
        vendor.create_order(pack_code="pack_200", environment="sandbox")
    assert (limited.value.status, limited.value.code, limited.value.retry_after) == (
        429,
        "rate_limited",
        "30",
    )
    assert vendor.create_order(pack_code="pack_200", environment="sandbox")["status"] == "pending"


def test_vendor_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(VendorUnreachableError) as unreachable:
        TokenVendorClient(f"http://127.0.0.1:{port}", timeout=2).packs()
    assert unreachable.value.code == "unreachable"
    assert not unreachable.value.outcome_unknown, "refused before anything was sent"


@pytest.mark.parametrize("fault", ["timeout", "drop_after_accept"])
def test_lost_order_answer_is_the_same_order_on_retry(sandbox, fault):
    vendor, _account = registered(sandbox)
    vendor.timeout = 1
    sandbox.control.fault(fault, route="vendor/v2/orders", delay=3)
    with pytest.raises(VendorUnreachableError) as lost:
        vendor.create_order(pack_code="pack_200", environment="sandbox", request_id="R" * 32)
    assert lost.value.outcome_unknown, "the vendor may hold the order: only a retry tells"
    vendor.timeout = 10
    order = vendor.create_order(pack_code="pack_200", environment="sandbox", request_id="R" * 32)
    again = vendor.create_order(pack_code="pack_200", environment="sandbox", request_id="R" * 32)
    assert again["order_id"] == order["order_id"]
    assert sandbox.control.stats()["vendor/v2/orders"] == 3
    with pytest.raises(VendorRefusedError) as reused:
        vendor.create_order(pack_code="pack_500", environment="sandbox", request_id="R" * 32)
    assert (reused.value.status, reused.value.code) == (409, "request_id_reused")
