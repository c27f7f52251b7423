"""PISTE token endpoint, bearer and ``cpro-account`` checks, route gating."""

import base64

import requests
from sandbox_api import account_header

from chorus.sandbox import seed

TAUX = "transverses/v1/recuperer/tauxtva"


def test_token_answers_like_piste(sandbox_session):
    answer = sandbox_session.fetch_token()
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "openid"
    assert len(body["access_token"]) > 20


def test_token_refuses_bad_client_with_400_invalid_client(sandbox_session):
    for client_id, secret in (
        ("nobody", seed.PISTE_CLIENT_SECRET),
        (seed.PISTE_CLIENT_ID, "wrong"),
        ("", ""),
    ):
        answer = sandbox_session.fetch_token(client_id, secret)
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_client"


def test_token_refuses_other_grant_types(sandbox):
    answer = requests.post(f"{sandbox.url}/api/oauth/token", data={"grant_type": "password"}, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def test_token_accepts_http_basic_client_credentials(sandbox):
    answer = requests.post(
        f"{sandbox.url}/api/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(seed.PISTE_CLIENT_ID, seed.PISTE_CLIENT_SECRET),
        timeout=5,
    )
    assert answer.status_code == 200


def test_valid_call_answers_code_zero(sandbox_session):
    body = sandbox_session.call(TAUX)
    assert body["codeRetour"] == 0
    assert body["libelle"] == "TRA_MSG_00.000"
    assert {"codeTauxTva", "libelleTauxTva", "valeurTauxTva"} <= set(body["listeTauxTva"][0])


def test_missing_bearer_is_401_without_account_description(sandbox_session):
    answer = sandbox_session.post(TAUX, headers={"cpro-account": account_header()})
    assert answer.status_code == 401
    assert "login or password" not in answer.headers.get("WWW-Authenticate", "")


def test_unknown_bearer_is_401(sandbox_session):
    answer = sandbox_session.post(TAUX, headers=sandbox_session.headers(Authorization="Bearer forged"))
    assert answer.status_code == 401
    assert "login or password" not in answer.headers.get("WWW-Authenticate", "")


def test_wrong_technical_password_is_401_with_piste_header(sandbox_session):
    headers = sandbox_session.headers(**{"cpro-account": account_header(seed.TECHNICAL_LOGIN, "wrong")})
    answer = sandbox_session.post(TAUX, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == (
        'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
    )


def test_missing_or_garbage_account_header_is_401(sandbox_session):
    headers = sandbox_session.headers()
    del headers["cpro-account"]
    assert sandbox_session.post(TAUX, headers=headers).status_code == 401
    garbage = sandbox_session.headers(**{"cpro-account": "%%%not-base64"})
    answer = sandbox_session.post(TAUX, headers=garbage)
    assert answer.status_code == 401
    assert "login or password incorrects" in answer.headers["WWW-Authenticate"]


def test_unknown_route_is_403_even_with_bad_account(sandbox_session):
    assert sandbox_session.post("factures/v1/consulter/cr").status_code == 403
    headers = sandbox_session.headers(**{"cpro-account": base64.b64encode(b"x:y").decode()})
    assert sandbox_session.post("factures/v1/consulter/cr", headers=headers).status_code == 403


def test_token_expires_on_the_sandbox_clock(sandbox, sandbox_session):
    headers = sandbox_session.headers()
    assert sandbox_session.post(TAUX, headers=headers).status_code == 200
    sandbox.control.advance(3601)
    answer = sandbox_session.post(TAUX, headers=headers)
    assert answer.status_code == 401
    assert "login or password" not in answer.headers["WWW-Authenticate"]
    sandbox_session.renew()
    assert sandbox_session.post(TAUX, headers=sandbox_session.headers()).status_code == 200


def test_health_check_is_a_get(sandbox, sandbox_session):
    answer = sandbox_session.http.get(
        f"{sandbox.url}/cpro/transverses/v1/health-check", headers=sandbox_session.headers(), timeout=5
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "statusCodeValue": 200,
        "statusCode": "OK",
        "body": "L'API CPRO est actuellement disponible et fonctionnel.",
    }
    assert requests.get(f"{sandbox.url}/cpro/transverses/v1/health-check", timeout=5).status_code == 401
    assert sandbox_session.post("transverses/v1/health-check").status_code == 405


def test_non_json_body_is_400(sandbox, sandbox_session):
    answer = sandbox_session.http.post(
        f"{sandbox.url}/cpro/{TAUX}", data=b"<xml/>", headers=sandbox_session.headers(), timeout=5
    )
    assert answer.status_code == 400
    assert answer.json()["codeRetour"] != 0
