"""The sandbox called in process through the ``requests`` adapter: no socket, no control API."""

import facturx_samples as samples
import pytest
import requests

from chorus.client import ChorusClient
from chorus.errors import ConnectionFailedError, RequestTimeoutError
from chorus.sandbox import SandboxApp, SandboxConfig, faults, inprocess, seed
from chorus.token_vendor import TokenVendorClient

DEPOSIT = "factures/v1/deposer/flux"


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "inprocess.sqlite")


@pytest.fixture
def client(db_path):
    return ChorusClient.for_sandbox(inprocess.BASE_URL, session=inprocess.session_for(db_path))


def add_fault(db_path, route, fault, **params):
    with inprocess.app_for(db_path).store.transaction() as db:
        faults.add(db, route, fault, **params)


def test_the_client_works_without_any_socket(client, monkeypatch):
    def no_socket(*_args, **_kwargs):
        raise AssertionError("the in-process sandbox opened a socket")

    monkeypatch.setattr("socket.socket.connect", no_socket)
    structure = client.find_structure(seed.BUYER_COMMUNE_SIRET)
    assert structure.name == "COMMUNE D'EXEMPLEVILLE"
    assert [s.identifier for s in client.supplier_structures()] == [seed.SUPPLIER_SIRET]


def test_a_deposit_reaches_the_shared_sqlite_file(client, db_path):
    flow = client.deposit_flow(samples.build_facturx_pdf(number="INPROC-1"), "INPROC-1.pdf")
    assert flow.flow_number
    # Another process (another Odoo worker) has its own app on the same file.
    other = requests.Session()
    other.mount(
        inprocess.BASE_URL + "/", inprocess.InProcessAdapter(SandboxApp(SandboxConfig(db_path=db_path)))
    )
    again = ChorusClient.for_sandbox(inprocess.BASE_URL, session=other)
    assert again.flow_report(flow.flow_number).state


@pytest.mark.parametrize("path", ["/_sandbox/stats", "/_sandbox/faults", "/_sandbox/reset", "/", "/other"])
def test_the_control_api_is_not_forwarded(db_path, path):
    session = inprocess.session_for(db_path)
    for method in ("GET", "POST"):
        answer = session.request(method, inprocess.BASE_URL + path, json={"fault": "timeout"}, timeout=5)
        assert answer.status_code == 404
    with inprocess.app_for(db_path).store.transaction() as db:
        assert faults.pending(db) == []


def test_nothing_leaves_the_process(db_path):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(inprocess.BASE_URL + "/cpro/transverses/v1/health-check", timeout=5)
    with pytest.raises(requests.exceptions.InvalidSchema):
        inprocess.session_for(db_path).get("http://127.0.0.1:9/cpro/transverses/v1/health-check", timeout=5)


def test_the_read_timeout_holds_in_process(client, db_path):
    add_fault(db_path, DEPOSIT, faults.TIMEOUT, delay=2)
    client.timeout = 0.2
    with pytest.raises(RequestTimeoutError) as raised:
        client.deposit_flow(samples.build_facturx_pdf(number="INPROC-TIMEOUT"), "t.pdf")
    assert raised.value.outcome_unknown


def test_a_dropped_connection_leaves_the_outcome_unknown(client, db_path):
    add_fault(db_path, DEPOSIT, faults.DROP_AFTER_ACCEPT)
    with pytest.raises(ConnectionFailedError) as raised:
        client.deposit_flow(samples.build_facturx_pdf(number="INPROC-DROP"), "d.pdf")
    assert raised.value.outcome_unknown


def test_vendor_orders_and_payment_in_process(db_path):
    session = inprocess.session_for(db_path)
    vendor = TokenVendorClient(inprocess.BASE_URL, session=session)
    account = vendor.register({"database_uuid": "db", "company_id": 1, "company_name": "C1"})
    vendor.credentials = (account["customer_id"], account["secret"])
    order = vendor.create_order(pack_code="pack_200", environment="sandbox")
    assert order["payment_url"] == f"{inprocess.BASE_URL}/vendor/pay/{order['order_id']}"
    page = session.post(order["payment_url"], timeout=5)
    assert page.status_code == 200
    assert "Paiement accepté" in page.text
    assert vendor.order_status(order["order_id"])["voucher"]["payload"]["environment"] == "sandbox"


def test_form_bodies_and_query_strings_are_passed_on(db_path):
    session = inprocess.session_for(db_path)
    answer = session.post(
        inprocess.BASE_URL + "/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": seed.PISTE_CLIENT_ID,
            "client_secret": seed.PISTE_CLIENT_SECRET,
            "scope": "openid",
        },
        timeout=5,
    )
    assert answer.status_code == 200
    assert answer.json()["access_token"]
