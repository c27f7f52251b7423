"""Hosting the sandbox: shared SQLite file, concurrency, WSGI under a prefix, handle(), standalone."""

import base64
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import facturx_samples as samples
import requests
from sandbox_api import ChorusSession, account_header

from chorus.sandbox import ConnectionDropped, SandboxConfig, SandboxServer, create_app, seed

ADDON_DIR = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect"


def test_two_servers_share_one_database_file(tmp_path):
    db = str(tmp_path / "sandbox.sqlite")
    with (
        SandboxServer(SandboxConfig(db_path=db, flow_delay=0)) as first,
        SandboxServer(SandboxConfig(db_path=db, flow_delay=0)) as second,
    ):
        flow = ChorusSession(first.url).deposit(samples.build_facturx_pdf(number="SHARED-1"))
        other = ChorusSession(second.url)
        assert other.report(flow)["etatCourantDepotFlux"] == "IN_INTEGRE"
        second.control.advance(3)
        assert other.invoices(numeroFacture="SHARED-1")[0]["statut"] == "MISE_A_DISPOSITION"
        assert (
            ChorusSession(first.url).invoices(numeroFacture="SHARED-1")[0]["statut"] == "MISE_A_DISPOSITION"
        )


def test_a_new_process_keeps_the_stored_delays_unless_configured(tmp_path):
    db = str(tmp_path / "sandbox.sqlite")
    with SandboxServer(SandboxConfig(db_path=db)) as first:
        assert first.control.configure() == {"flow_delay": 2.0, "step_delay": 3.0, "clock_offset": 0.0}
        first.control.configure(step_delay=3600)
        first.control.advance(10)
        with SandboxServer(SandboxConfig(db_path=db)) as second:  # e.g. another Odoo worker
            assert second.control.configure()["step_delay"] == 3600
            assert second.control.now()["offset"] == 10
        with SandboxServer(SandboxConfig(db_path=db, step_delay=1)) as third:
            assert third.control.configure()["step_delay"] == 1
        first.control.reset()
        assert first.control.configure()["step_delay"] == 3.0


def test_concurrent_deposits_get_distinct_flows_and_ids(tmp_path):
    db = str(tmp_path / "sandbox.sqlite")
    pdfs = [samples.build_facturx_pdf(number=f"PAR-{n}") for n in range(12)]
    with (
        SandboxServer(SandboxConfig(db_path=db, flow_delay=0)) as first,
        SandboxServer(SandboxConfig(db_path=db, flow_delay=0)) as second,
    ):
        flows, errors = [], []

        def deposit(index):
            try:
                flows.append(ChorusSession((first, second)[index % 2].url).deposit(pdfs[index]))
            except Exception as err:
                errors.append(err)

        threads = [threading.Thread(target=deposit, args=(n,)) for n in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(set(flows)) == 12
        found = ChorusSession(first.url).search(rechercheFactureParFournisseur={"nbResultatsParPage": 50})
        ids = [invoice["identifiantFactureCPP"] for invoice in found["listeFactures"]]
        assert len(set(ids)) == 12


def test_stats_count_calls_per_route(sandbox, sandbox_session):
    sandbox_session.call("transverses/v1/recuperer/tauxtva")
    sandbox_session.call("transverses/v1/recuperer/tauxtva")
    sandbox_session.post("factures/v1/nope")
    stats = sandbox.control.stats()
    assert stats["token"] == 1
    assert stats["transverses/v1/recuperer/tauxtva"] == 2
    assert stats["(unknown)"] == 1
    sandbox.control.clear_stats()
    assert sandbox.control.stats() == {}


def test_reset_wipes_state(sandbox, sandbox_session):
    flow = sandbox_session.deposit(samples.build_facturx_pdf(number="GONE"))
    sandbox.control.advance(100)
    sandbox.control.fault("http_500", route="token")
    sandbox.control.configure(flow_delay=50)
    sandbox.control.reset()
    assert sandbox.control.faults() == []
    assert sandbox.control.now()["offset"] == 0
    assert sandbox.control.configure()["flow_delay"] == 2.0
    sandbox_session.renew()
    assert sandbox_session.report(flow)["codeRetour"] == 20001


def test_handle_function_without_http():
    app = create_app(SandboxConfig(flow_delay=0))
    status, _headers, body = app.handle(
        "POST",
        "/api/oauth/token",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"grant_type=client_credentials&client_id=sandbox-client-id&client_secret=sandbox-client-secret",
    )
    assert status == 200
    token = json.loads(body)["access_token"]
    headers = {
        "Authorization": f"Bearer {token}",
        "cpro-account": account_header(),
        "Content-Type": "application/json",
    }
    status, headers_out, body = app.handle("POST", "/cpro/transverses/v1/recuperer/tauxtva", headers, b"{}")
    assert status == 200
    assert dict(headers_out)["Content-Type"].startswith("application/json")
    assert json.loads(body)["codeRetour"] == 0
    status, _h, body = app.handle(
        "POST", "/_sandbox/faults", {"Content-Type": "application/json"}, b'{"fault": "drop_after_accept"}'
    )
    assert status == 200
    try:
        app.handle("POST", "/cpro/transverses/v1/recuperer/tauxtva", headers, b"{}")
    except ConnectionDropped:
        pass
    else:
        raise AssertionError("drop_after_accept must raise ConnectionDropped from handle()")
    status, _h, body = app.handle(
        "POST",
        "/vendor/v2/customers",
        {"Content-Type": "application/json"},
        json.dumps({"database_uuid": "db", "company_id": 1, "company_name": "C1"}).encode(),
    )
    account = json.loads(body)
    status, _h, body = app.handle(
        "POST",
        "/vendor/v2/orders",
        {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {account['customer_id']}.{account['secret']}",
        },
        json.dumps(
            {"pack_code": "pack_200", "environment": "sandbox", "request_id": "hosting-" + "0" * 16}
        ).encode(),
        base_url="https://odoo.example/chorus_sandbox",
    )
    assert status == 201
    assert json.loads(body)["payment_url"].startswith("https://odoo.example/chorus_sandbox/vendor/pay/ORD-")
    app.close()


def test_wsgi_app_under_a_url_prefix():
    config = SandboxConfig(url_prefix="/chorus_sandbox", flow_delay=0)
    with SandboxServer(config) as server:
        base = f"{server.url}/chorus_sandbox"
        session = ChorusSession(base)
        assert session.call("transverses/v1/recuperer/tauxtva")["codeRetour"] == 0
        account = requests.post(
            f"{base}/vendor/v2/customers",
            json={"database_uuid": "db", "company_id": 1, "company_name": "C1"},
            timeout=5,
        ).json()
        order = requests.post(
            f"{base}/vendor/v2/orders",
            json={"pack_code": "pack_200", "environment": "sandbox", "request_id": "prefixed-" + "0" * 16},
            headers={"Authorization": f"Bearer {account['customer_id']}.{account['secret']}"},
            timeout=5,
        ).json()
        assert order["payment_url"].startswith(f"{base}/vendor/pay/")
        assert requests.get(order["payment_url"], timeout=5).status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_standalone_entry_point(tmp_path):
    port = _free_port()
    db = tmp_path / "standalone.sqlite"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chorus.sandbox",
            "--port",
            str(port),
            "--db",
            str(db),
            "--flow-delay",
            "0",
            "--step-delay",
            "1",
        ],
        cwd=ADDON_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.post(f"{url}/_sandbox/stats", json={}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        session = ChorusSession(url)
        flow = session.deposit(samples.build_facturx_pdf(number="STANDALONE"))
        assert session.report(flow)["etatCourantDepotFlux"] == "IN_INTEGRE"
        assert requests.post(f"{url}/_sandbox/config", json={}, timeout=5).json()["step_delay"] == 1.0
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert db.exists()


def test_unknown_route_status_can_be_404():
    with SandboxServer(SandboxConfig(unknown_route_status=404)) as server:
        assert ChorusSession(server.url).post("factures/v1/consulter/cr").status_code == 404


def test_business_errors_can_be_http_400():
    with SandboxServer(SandboxConfig(business_error_status=400)) as server:
        answer = ChorusSession(server.url).post(
            "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": "CPP0011117000000000999999"}
        )
        assert answer.status_code == 400
        assert answer.json()["codeRetour"] == 20001


def test_seed_credentials_match_the_contract():
    assert (seed.PISTE_CLIENT_ID, seed.PISTE_CLIENT_SECRET) == ("sandbox-client-id", "sandbox-client-secret")
    assert (seed.TECHNICAL_LOGIN, seed.TECHNICAL_PASSWORD) == ("TECH_1_SANDBOX@cpro.fr", "sandbox-password")
    assert base64.b64decode(account_header()).decode() == "TECH_1_SANDBOX@cpro.fr:sandbox-password"
