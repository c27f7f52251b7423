"""Fault injection through the control API."""

import threading
import time

import facturx_samples as samples
import pytest
import requests

from chorus.sandbox import SandboxApp, SandboxConfig, SandboxControlError, SandboxServer, faults, inprocess

TAUX = "transverses/v1/recuperer/tauxtva"
DEPOSIT = "factures/v1/deposer/flux"


def deposit_body(number):
    import base64

    content = samples.build_facturx_pdf(number=number)
    return {
        "fichierFlux": base64.b64encode(content).decode(),
        "nomFichier": "f.pdf",
        "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
    }


def test_timeout_processes_the_deposit_then_holds_the_answer(sandbox, sandbox_session):
    sandbox.control.fault("timeout", route=DEPOSIT, delay=3)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        sandbox_session.post(DEPOSIT, deposit_body("FAC-TIMEOUT"), timeout=0.5)
    assert time.monotonic() - started < 2
    sandbox.control.advance(2)
    [found] = sandbox_session.invoices(numeroFacture="FAC-TIMEOUT")
    assert found["statut"] == "DEPOSEE"


def test_timeout_answers_eventually_when_the_client_waits(sandbox, sandbox_session):
    sandbox.control.fault("timeout", route=TAUX, delay=0.3)
    answer = sandbox_session.post(TAUX, timeout=5)
    assert answer.status_code == 200


def test_timeout_is_released_when_the_server_stops():
    server = SandboxServer(SandboxConfig()).start()
    server.control.fault("timeout", route="token")
    errors = []

    def call():
        try:
            requests.post(
                f"{server.url}/api/oauth/token", data={"grant_type": "client_credentials"}, timeout=60
            )
        except requests.RequestException as err:
            errors.append(err)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.3)
    started = time.monotonic()
    server.stop()
    caller.join(timeout=10)
    assert not caller.is_alive()
    assert time.monotonic() - started < 5


def test_drop_after_accept_closes_the_socket_after_commit(sandbox, sandbox_session):
    sandbox.control.fault("drop_after_accept", route=DEPOSIT)
    with pytest.raises(requests.exceptions.ConnectionError):
        sandbox_session.post(DEPOSIT, deposit_body("FAC-DROP"))
    sandbox.control.advance(2)
    assert [i["numeroFacture"] for i in sandbox_session.invoices(numeroFacture="FAC-DROP")] == ["FAC-DROP"]


@pytest.mark.parametrize("fault, status", [("http_500", 500), ("http_503", 503)])
def test_server_errors_process_nothing(sandbox, sandbox_session, fault, status):
    sandbox.control.fault(fault, route=DEPOSIT)
    assert sandbox_session.post(DEPOSIT, deposit_body("FAC-5XX")).status_code == status
    sandbox.control.advance(2)
    assert sandbox_session.invoices(numeroFacture="FAC-5XX") == []
    assert sandbox_session.post(DEPOSIT, deposit_body("FAC-5XX")).json()["codeRetour"] == 0


def test_rate_limit_sends_retry_after(sandbox, sandbox_session):
    assert sandbox_session.token  # "*" covers the token endpoint too
    sandbox.control.fault("rate_limit", route="*", retry_after=7)
    answer = sandbox_session.post(TAUX)
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    assert sandbox_session.post(TAUX).status_code == 200


def test_expire_token_makes_the_current_bearer_stale(sandbox, sandbox_session):
    headers = sandbox_session.headers()
    sandbox.control.fault("expire_token", route=TAUX)
    answer = sandbox_session.post(TAUX, headers=headers)
    assert answer.status_code == 401
    assert "login or password" not in answer.headers["WWW-Authenticate"]
    assert sandbox_session.post(TAUX, headers=headers).status_code == 401  # stays expired
    sandbox_session.renew()
    assert sandbox_session.post(TAUX, headers=sandbox_session.headers()).status_code == 200


def test_expire_token_is_not_consumed_by_token_calls(sandbox, sandbox_session):
    sandbox.control.fault("expire_token", route="*")
    assert sandbox_session.fetch_token().status_code == 200
    assert sandbox_session.post(TAUX, headers=sandbox_session.headers()).status_code == 401


def test_malformed_json_answers_200_with_broken_body(sandbox, sandbox_session):
    sandbox.control.fault("malformed_json", route=DEPOSIT)
    answer = sandbox_session.post(DEPOSIT, deposit_body("FAC-GARBLED"))
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()
    sandbox.control.advance(2)
    assert len(sandbox_session.invoices(numeroFacture="FAC-GARBLED")) == 1


def test_business_error_400(sandbox, sandbox_session):
    sandbox.control.fault("business_error_400", route=DEPOSIT, code=20001, libelle="GDP_MSG_11.022")
    answer = sandbox_session.post(DEPOSIT, deposit_body("FAC-400"))
    assert answer.status_code == 400
    assert answer.json() == {"codeRetour": 20001, "libelle": "GDP_MSG_11.022"}
    sandbox.control.fault("business_error_400", route=TAUX)
    body = sandbox_session.post(TAUX).json()
    assert body["codeRetour"] != 0 and body["libelle"]


def test_fault_on_token_route(sandbox, sandbox_session):
    sandbox.control.fault("http_503", route="token")
    assert sandbox_session.fetch_token().status_code == 503
    assert sandbox_session.fetch_token().status_code == 200


def test_fault_times_and_route_matching(sandbox, sandbox_session):
    sandbox.control.fault("http_500", route=DEPOSIT, times=2)
    assert sandbox_session.post(TAUX).status_code == 200  # other route untouched
    assert sandbox_session.post(DEPOSIT, deposit_body("T-1")).status_code == 500
    assert sandbox_session.post(DEPOSIT, deposit_body("T-1")).status_code == 500
    assert sandbox_session.post(DEPOSIT, deposit_body("T-1")).status_code == 200


def test_persistent_fault_until_cleared(sandbox, sandbox_session):
    assert sandbox_session.token
    sandbox.control.fault("http_503", route="*", times=0)
    for _ in range(3):
        assert sandbox_session.post(TAUX).status_code == 503
    assert sandbox.control.faults()[0]["fault"] == "http_503"
    sandbox.control.clear_faults()
    assert sandbox_session.post(TAUX).status_code == 200


def test_unknown_fault_is_refused(sandbox):
    with pytest.raises(Exception, match="unknown fault"):
        sandbox.control.fault("meteor")


def test_a_fault_delay_is_capped_when_stored(sandbox):
    answer = sandbox.control.fault("timeout", route="*", delay=99999, times=1000)
    assert answer["faults"][0]["delay"] == faults.MAX_DELAY == 60
    sandbox.control.fault("rate_limit", route="*", retry_after=99999)
    assert sandbox.control.faults()[1]["retry_after"] == faults.MAX_DELAY
    sandbox.control.fault("timeout", route="*", delay=0.5)
    assert sandbox.control.faults()[2]["delay"] == 0.5


@pytest.mark.parametrize("delay", ["soon", -1, "nan", "inf", None])
def test_a_fault_delay_must_be_a_number_of_seconds(sandbox, delay):
    with pytest.raises(SandboxControlError):
        sandbox.control.fault("timeout", route="*", delay=delay)


def test_a_stored_delay_above_the_cap_is_capped_when_applied(tmp_path, monkeypatch):
    app = SandboxApp(SandboxConfig(db_path=str(tmp_path / "old.sqlite")))
    with app.store.transaction() as db:  # as an older sandbox stored it, before the cap
        db.execute(
            "INSERT INTO faults (route, fault, remaining, params) VALUES ('*', 'timeout', 1, ?)",
            ('{"delay": 99999}',),
        )
        db.execute(
            "INSERT INTO faults (route, fault, remaining, params) VALUES ('*', 'rate_limit', 1, ?)",
            ('{"retry_after": 99999}',),
        )
    waits = []
    monkeypatch.setattr(app.shutdown_event, "wait", waits.append)
    session = requests.Session()
    session.mount(inprocess.BASE_URL + "/", inprocess.InProcessAdapter(app))
    url = f"{inprocess.BASE_URL}/cpro/{TAUX}"
    session.post(url, json={}, timeout=5)
    assert waits == [faults.MAX_DELAY]
    assert session.post(url, json={}, timeout=5).headers["Retry-After"] == "60"
