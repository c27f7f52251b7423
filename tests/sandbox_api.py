"""Plain-``requests`` access to a sandbox for the sandbox's own tests (no dependency on chorus.client)."""

from __future__ import annotations

import base64

import requests

from chorus.sandbox import seed
from chorus.values import SYNTAX_FACTURX


def account_header(login: str = seed.TECHNICAL_LOGIN, password: str = seed.TECHNICAL_PASSWORD) -> str:
    return base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


class ChorusSession:
    def __init__(
        self, base_url: str, *, login: str = seed.TECHNICAL_LOGIN, password: str = seed.TECHNICAL_PASSWORD
    ):
        self.base_url = base_url
        self.http = requests.Session()
        self.account = account_header(login, password)
        self._token = None

    def close(self):
        self.http.close()

    def fetch_token(
        self, client_id=seed.PISTE_CLIENT_ID, client_secret=seed.PISTE_CLIENT_SECRET
    ) -> requests.Response:
        return self.http.post(
            f"{self.base_url}/api/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
                "scope": "openid",
            },
            timeout=10,
        )

    @property
    def token(self) -> str:
        if self._token is None:
            answer = self.fetch_token()
            answer.raise_for_status()
            self._token = answer.json()["access_token"]
        return self._token

    def renew(self) -> None:
        self._token = None

    def headers(self, **extra) -> dict:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "cpro-account": self.account,
            "Content-Type": "application/json;charset=utf-8",
        }
        headers.update(extra)
        return headers

    def post(
        self, operation: str, body: dict | None = None, *, timeout: float = 10, headers=None
    ) -> requests.Response:
        """POST ``body``; with default headers, an expired token is renewed once (as a real client does)."""
        url = f"{self.base_url}/cpro/{operation}"
        answer = self.http.post(url, json=body or {}, headers=headers or self.headers(), timeout=timeout)
        if (
            headers is None
            and answer.status_code == 401
            and "invalid_token" in answer.headers.get("WWW-Authenticate", "")
        ):
            self.renew()
            answer = self.http.post(url, json=body or {}, headers=self.headers(), timeout=timeout)
        return answer

    def call(self, operation: str, body: dict | None = None) -> dict:
        answer = self.post(operation, body)
        assert answer.status_code == 200, (answer.status_code, answer.text)
        return answer.json()

    def deposit_answer(
        self, content: bytes, filename: str = "facture.pdf", syntax: str = SYNTAX_FACTURX
    ) -> dict:
        body = {
            "fichierFlux": base64.b64encode(content).decode("ascii"),
            "nomFichier": filename,
            "syntaxeFlux": syntax,
            "avecSignature": False,
        }
        return self.call("factures/v1/deposer/flux", body)

    def deposit(self, content: bytes, filename: str = "facture.pdf", syntax: str = SYNTAX_FACTURX) -> str:
        answer = self.deposit_answer(content, filename, syntax)
        assert answer["codeRetour"] == 0, answer
        return answer["numeroFluxDepot"]

    def report(self, flow_number: str) -> dict:
        return self.call("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": flow_number})

    def search(self, **body) -> dict:
        return self.call("factures/v1/rechercher/fournisseur", body)

    def invoices(self, **body) -> list[dict]:
        """The invoices found; Chorus's "no result" answer (codeRetour 20000) is an empty list."""
        answer = self.search(**body)
        if answer["codeRetour"] == 20000:
            return []
        return answer["listeFactures"]

    def history(self, chorus_id: int, **body) -> dict:
        return self.call("factures/v1/consulter/historique", {"idFacture": chorus_id, **body})
