"""Chorus Pro API client, reached through the PISTE gateway.

One ``ChorusClient`` per connection. The transport lives in :meth:`ChorusClient._request`
(token, headers, one retry after a 401, error mapping); every endpoint is one
short method returning plain values from :mod:`chorus.values`. Errors are the
typed ones of :mod:`chorus.errors`: callers decide by type, never by message.

``calls`` counts HTTP requests per route, keyed like the sandbox's statistics: the
API path after ``/cpro/`` (``"factures/v1/deposer/flux"``) or ``"token"``.
"""

from __future__ import annotations

import base64
import collections
import datetime
import email.utils
import logging
import threading
import time

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from . import contract, parsing
from .errors import (
    AccessDeniedError,
    AuthenticationError,
    BusinessError,
    ConnectionFailedError,
    FileTooLargeError,
    MalformedAnswerError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from .supplier_actions import SupplierActionsMixin
from .values import FLOW_ARCHIVE_MAX_BYTES, FLOW_FILE_MAX_BYTES, SYNTAX_FACTURX

_logger = logging.getLogger(__name__)

ENVIRONMENTS = {
    "qualification": (
        "https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
        "https://sandbox-api.piste.gouv.fr",
    ),
    "production": ("https://oauth.piste.gouv.fr/api/oauth/token", "https://api.piste.gouv.fr"),
}

# Same values as chorus/sandbox/seed.py; repeated so the client never imports the sandbox.
SANDBOX_CREDENTIALS = {
    "client_id": "sandbox-client-id",
    "client_secret": "sandbox-client-secret",
    "login": "TECH_1_SANDBOX@cpro.fr",
    "password": "sandbox-password",
}

TOKEN_ROUTE = "token"
TOKEN_RENEWAL_MARGIN = 60  # seconds before expiry
# PISTE is reported to answer invalid_client / 401 to some bursts of valid calls (issue 8): the token
# is asked this many times, waiting TOKEN_BACKOFF seconds between attempts, before the credentials
# are reported wrong.
TOKEN_ATTEMPTS = 3
TOKEN_BACKOFF = (1.0, 3.0)

# Tokens shared by every client of this process: (token URL, client id, clock) -> (token, renew at).
# A batch building one client per invoice then makes one token call, not one per invoice.
_TOKENS: dict = {}
_TOKENS_LOCK = threading.Lock()
NOT_FOUND_CODES = {contract.NO_RESULT_CODE}
NOT_FOUND_LABELS = (contract.NO_RESULT_LABEL, "POQ_MSG_01.003", "Flux introuvable")
# Bounds a walk through pages whatever the server announces (1,000 pages of 1,000 = a million items).
MAX_PAGES = 1000
ELIDED_KEYS = {"fichierFlux", "fichierCR", "access_token", "client_secret"}


class ChorusClient(SupplierActionsMixin):
    """PISTE OAuth2 (client credentials) + Chorus Pro technical account."""

    def __init__(
        self,
        *,
        api_url,
        token_url,
        client_id,
        client_secret,
        login,
        password,
        timeout=30.0,
        page_size=100,
        session=None,
        clock=time.monotonic,
        sleep=time.sleep,
    ):
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.login = login
        self._account = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
        self.timeout = timeout
        self.page_size = page_size
        self.session = session or requests.Session()
        self.clock = clock
        self.sleep = sleep
        self.calls = collections.Counter()

    def __repr__(self):
        return f"<ChorusClient {self.api_url} client_id={self.client_id!r} login={self.login!r}>"

    @classmethod
    def for_environment(cls, environment, **kwargs):
        if environment not in ENVIRONMENTS:
            raise ValueError(
                f"Unknown Chorus environment {environment!r}; for the sandbox use for_sandbox(url)"
            )
        token_url, api_url = ENVIRONMENTS[environment]
        return cls(api_url=api_url, token_url=token_url, **kwargs)

    @classmethod
    def for_sandbox(cls, base_url, **kwargs):
        base_url = base_url.rstrip("/")
        params = {**SANDBOX_CREDENTIALS, **kwargs}
        return cls(api_url=base_url, token_url=f"{base_url}/api/oauth/token", **params)

    # ------------------------------------------------------------------ token

    @property
    def _token_key(self):
        return (self.token_url, self.client_id, self.clock)

    def fetch_token(self) -> str:
        """Ask PISTE for a new access token, whatever the cache holds."""
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "scope": "openid",
        }
        self._forget_token()
        for attempt in range(TOKEN_ATTEMPTS):
            response = self._send("POST", self.token_url, TOKEN_ROUTE, data=form)
            if response.status_code not in (400, 401):
                break
            if attempt + 1 < TOKEN_ATTEMPTS:
                self.sleep(TOKEN_BACKOFF[min(attempt, len(TOKEN_BACKOFF) - 1)])
        else:
            answer = _json_or_empty(response)
            error = answer.get("error") or f"HTTP {response.status_code}"
            description = answer.get("error_description") or ""
            raise AuthenticationError(
                f"PISTE refused the application credentials: {error} {description}".strip(),
                party=AuthenticationError.PISTE,
                endpoint=TOKEN_ROUTE,
                detail=description or error,
            )
        answer = self._read(response, TOKEN_ROUTE, deposit=False)
        token = answer.get("access_token")
        if not token:
            raise MalformedAnswerError("PISTE token answer without access_token", endpoint=TOKEN_ROUTE)
        lifetime = parsing.as_int(answer.get("expires_in"), 3600)
        with _TOKENS_LOCK:
            _TOKENS[self._token_key] = (token, self.clock() + lifetime - TOKEN_RENEWAL_MARGIN)
        return token

    def _valid_token(self) -> str:
        with _TOKENS_LOCK:
            token, renew_at = _TOKENS.get(self._token_key, (None, 0.0))
        if token is None or self.clock() >= renew_at:
            return self.fetch_token()
        return token

    def _forget_token(self, token=None) -> None:
        """Drop the cached token (only if it is still ``token``, when given)."""
        with _TOKENS_LOCK:
            cached = _TOKENS.get(self._token_key)
            if cached and (token is None or cached[0] == token):
                del _TOKENS[self._token_key]

    # -------------------------------------------------------------- transport

    def _request(self, path, payload=None, *, method="POST", deposit=False) -> dict:
        """One Chorus call: bearer + cpro-account, one token refetch and retry on 401."""
        url = f"{self.api_url}/cpro/{path}"
        for attempt in (1, 2):
            token = self._valid_token()
            headers = {
                "Authorization": f"Bearer {token}",
                "cpro-account": self._account,
                "Content-Type": "application/json;charset=utf-8",
                "Accept": "application/json;charset=utf-8",
            }
            if _logger.isEnabledFor(logging.DEBUG):
                _logger.debug("Chorus %s %s %s", method, path, _loggable(payload))
            body = None if method == "GET" else payload if payload is not None else {}
            response = self._send(method, url, path, json=body, headers=headers, deposit=deposit)
            if response.status_code == 401 and attempt == 1:
                self._forget_token(token)
                continue
            return self._read(response, path, deposit=deposit)

    def _send(self, method, url, route, *, deposit=False, **kwargs) -> requests.Response:
        self.calls[route] += 1
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.exceptions.ConnectTimeout as exc:
            raise ConnectionFailedError(f"Could not connect to {route}: {exc}", endpoint=route) from exc
        except requests.exceptions.Timeout as exc:
            raise RequestTimeoutError(
                f"No answer from {route} within {self.timeout} s", endpoint=route, outcome_unknown=deposit
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise ConnectionFailedError(
                f"Connection to {route} failed: {exc}",
                endpoint=route,
                outcome_unknown=deposit and not failed_before_sending(exc),
            ) from exc
        except requests.exceptions.RequestException as exc:
            raise ConnectionFailedError(f"Request to {route} failed: {exc}", endpoint=route) from exc

    def _read(self, response, route, *, deposit) -> dict:
        status = response.status_code
        if _logger.isEnabledFor(logging.DEBUG):
            _logger.debug("Chorus %s answered %s: %s", route, status, _loggable(_json_or_text(response)))
        if status == 401:
            challenge = response.headers.get("WWW-Authenticate", "")
            lowered = challenge.lower()
            account = "login" in lowered or "password" in lowered
            raise AuthenticationError(
                "Chorus technical account refused (login or password)"
                if account
                else "PISTE refused the token",
                party=AuthenticationError.ACCOUNT if account else AuthenticationError.PISTE,
                endpoint=route,
                detail=challenge,
            )
        if status in (403, 404, 405):
            raise AccessDeniedError(
                f"HTTP {status} on {route}: API not subscribed for this PISTE application, or unknown route",
                endpoint=route,
            )
        if status == 429:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise RateLimitedError(
                f"Rate limited on {route}",
                endpoint=route,
                outcome_unknown=deposit,
                http_status=status,
                retry_after=retry_after,
            )
        if status >= 500:
            raise ServerError(
                f"HTTP {status} on {route}", endpoint=route, outcome_unknown=deposit, http_status=status
            )
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            if status >= 400:
                raise BusinessError(
                    f"HTTP {status} on {route}: {response.text[:200]}",
                    code=-1,
                    label=response.text[:200],
                    endpoint=route,
                    http_status=status,
                )
            raise MalformedAnswerError(
                f"{route} answered HTTP {status} with an unreadable body",
                endpoint=route,
                outcome_unknown=deposit,
                http_status=status,
            )
        code = parsing.as_int(answer.get("codeRetour"), 0)
        if code or status >= 400:
            raise _business_error(answer, code, route, status)
        return answer

    def _paged(self, path, payload, page_params, extract, key) -> list:
        """Call ``path`` page after page; each item once, whatever the server does with paging.

        A server may cap or ignore the page size asked, or answer the same page twice: items are
        kept once by ``key``. The walk goes to the last page announced, further only while pages
        bring new items short of the announced total, and never beyond :data:`MAX_PAGES`.
        """
        items, seen, page = [], set(), 1
        while True:
            answer = self._request(path, {**payload, **page_params(page)})
            chunk, pages, total = extract(answer)
            fresh = [item for item in chunk if key(item) not in seen]
            seen.update(key(item) for item in fresh)
            items.extend(fresh)
            short = fresh and total is not None and len(items) < total
            if page >= MAX_PAGES or (page >= pages and not short):
                return items
            page += 1

    def _standard_pages(self, path, payload, page_key, list_key, key) -> list:
        def page_params(page):
            return {page_key: {"nbResultatsParPage": self.page_size, "pageResultatDemandee": page}}

        def extract(answer):
            info = answer.get("parametresRetour") or {}
            return (
                parsing.as_list(answer.get(list_key)),
                parsing.as_int(info.get("pages"), 1),
                parsing.as_count(info.get("total")),
            )

        try:
            return self._paged(path, payload, page_params, extract, key)
        except NotFoundError as exc:
            if _no_result(exc):
                return []
            raise

    def _list_call(self, path, payload) -> dict:
        """One call answering a list; the "no result" refusal is an empty answer."""
        try:
            return self._request(path, payload)
        except NotFoundError as exc:
            if _no_result(exc):
                return {}
            raise

    # -------------------------------------------------------------- endpoints

    def deposit_flow(self, content: bytes, filename: str, syntax=SYNTAX_FACTURX):
        archive = filename.lower().endswith((".zip", ".tar.gz", ".tgz"))
        limit = FLOW_ARCHIVE_MAX_BYTES if archive else FLOW_FILE_MAX_BYTES
        if len(content) > limit:
            raise FileTooLargeError(
                f"{filename} weighs {len(content) / 1e6:.1f} MB; Chorus Pro takes {limit / 1e6:g} MB "
                "per deposited file",
                size=len(content),
                limit=limit,
                endpoint="factures/v1/deposer/flux",
            )
        payload = {
            "fichierFlux": base64.b64encode(content).decode("ascii"),
            "nomFichier": filename,
            "syntaxeFlux": syntax,
            "avecSignature": False,
        }
        answer = self._request("factures/v1/deposer/flux", payload, deposit=True)
        receipt = parsing.deposit_receipt(answer, syntax)
        if not receipt.flow_number:
            raise MalformedAnswerError(
                "deposer/flux answered without numeroFluxDepot",
                endpoint="factures/v1/deposer/flux",
                outcome_unknown=True,
            )
        return receipt

    def flow_report(self, flow_number: str):
        answer = self._request("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": flow_number})
        return parsing.flow_report(answer)

    def search_issued_invoices(
        self,
        *,
        flow_number=None,
        invoice_number=None,
        statuses=None,
        changed_since: datetime.datetime | None = None,
        deposited_from: datetime.date | None = None,
        deposited_to: datetime.date | None = None,
        invoice_type=None,
    ):
        criteria = {
            "numeroFluxDepot": flow_number,
            "numeroFacture": invoice_number,
            "statutCourant": list(statuses) if statuses else None,
            "periodeDateHeureEtatCourantDu": parsing.format_datetime(changed_since)
            if changed_since
            else None,
            "periodeDateDepotDu": deposited_from.isoformat() if deposited_from else None,
            "periodeDateDepotAu": deposited_to.isoformat() if deposited_to else None,
            "typeFacture": invoice_type,
        }
        payload = {key: value for key, value in criteria.items() if value is not None}
        items = self._standard_pages(
            "factures/v1/rechercher/fournisseur",
            payload,
            "rechercheFactureParFournisseur",
            "listeFactures",
            key=lambda item: item.get("identifiantFactureCPP"),
        )
        return [parsing.issued_invoice(item) for item in items]

    def invoice_history(self, chorus_id: int):
        first = {}

        def page_params(page):
            return {
                "paramRechercheHistoStatuts": {
                    "pageResultatDemandeeListeHistoStatut": page,
                    "nbResultatsParPageListeHistoStatut": self.page_size,
                }
            }

        def extract(answer):
            first.setdefault("answer", answer)
            block = answer.get("historiquesDesStatuts") or {}
            return (
                parsing.as_list(block.get("histoStatut")),
                parsing.as_int(block.get("pagesHistoStatut"), 1),
                parsing.as_count(block.get("totalHistoStatut")),
            )

        items = self._paged(
            "factures/v1/consulter/historique",
            {"idFacture": chorus_id},
            page_params,
            extract,
            key=lambda item: item.get("histoStatutId"),
        )
        entries = [parsing.history_entry(item) for item in items]
        return parsing.invoice_history(first["answer"], entries, chorus_id)

    def find_structure(self, identifier: str, identifier_type="SIRET"):
        payload = {
            "structure": {"identifiantStructure": identifier, "typeIdentifiantStructure": identifier_type},
            "restreindreStructuresPrivees": False,
        }
        items = self._standard_pages(
            "structures/v1/rechercher",
            payload,
            "parametres",
            "listeStructures",
            key=lambda item: item.get("idStructureCPP"),
        )
        found = [parsing.structure(item) for item in items]
        exact = [s for s in found if s.identifier == identifier] or found
        if len(exact) > 1:
            exact = [s for s in exact if s.active] or exact
        return exact[0] if exact else None

    def structure_details(self, structure_id: int):
        answer = self._request(
            "structures/v1/consulter", {"idStructureCPP": structure_id, "codeLangue": "fr"}
        )
        return parsing.structure_details(answer)

    def structure_services(self, structure_id: int):
        items = self._standard_pages(
            "structures/v1/rechercher/services",
            {"idStructure": structure_id},
            "parametresRechercherServicesStructure",
            "listeServices",
            key=lambda item: item.get("idService"),
        )
        return [parsing.service(item) for item in items]

    def service_details(self, structure_id: int, service_id: int):
        payload = {"idStructure": structure_id, "idService": service_id, "codeLangue": "fr"}
        return parsing.service_details(self._request("structures/v1/consulter/service", payload))

    def search_engagements(self, supplier_structure_id: int, number: str, state=None):
        """Engagements of this number given to the supplier (``state``: an etatCourantEngagementJuridique)."""
        payload = {
            "structureReceptriceEngagementJuridique": str(supplier_structure_id),
            "numeroEngagementJuridique": number.strip(),
        }
        if state:
            payload["etatCourantEngagementJuridique"] = state
        items = self._standard_pages(
            "engagementsJuridiques/v1/rechercher",
            payload,
            "parametresRecherche",
            "listeEngagementJuridique",
            key=lambda item: item.get("idEngagementJuridique") or item.get("numeroEngagementJuridique"),
        )
        return [parsing.engagement(item) for item in items]

    def supplier_structures(self):
        """The structures of the technical account: the operation takes an empty body, no paging."""
        answer = self._list_call("transverses/v1/recuperer/structures/actives/fournisseur", {})
        return [parsing.structure(item) for item in parsing.as_list(answer.get("listeStructures"))]

    def bank_accounts(self, structure_id: int):
        answer = self._list_call("transverses/v1/recuperer/coordbanc/valides", {"idStructure": structure_id})
        return [parsing.bank_account(item) for item in parsing.as_list(answer.get("listeCoordonneeBancaire"))]

    def health_check(self) -> bool:
        """True when the API says it is available; False when it is unreachable or unwell."""
        try:
            answer = self._request("transverses/v1/health-check", method="GET")
        except TransportError:
            return False
        return str(answer.get("statusCode", "OK")).upper() == "OK"

    def vat_rates(self) -> list[dict]:
        answer = self._request("transverses/v1/recuperer/tauxtva", {"codeLangue": "fr"})
        return parsing.as_list(answer.get("listeTauxTva"))


# ------------------------------------------------------------------ helpers


def _business_error(answer, code, route, status) -> BusinessError:
    label = str(answer.get("libelle") or "")
    not_found = code in NOT_FOUND_CODES or any(marker in label for marker in NOT_FOUND_LABELS)
    kind = NotFoundError if not_found else BusinessError
    return kind(
        f"Chorus refused {route}: {code} {label}".strip(),
        code=code,
        label=label,
        endpoint=route,
        http_status=status,
    )


def _no_result(error: NotFoundError) -> bool:
    """Chorus's "the search found nothing" (codeRetour 20000, TRA_MSG_00.015): an empty list."""
    return error.code == contract.NO_RESULT_CODE or contract.NO_RESULT_LABEL in (error.label or "")


def failed_before_sending(exc: requests.exceptions.ConnectionError) -> bool:
    """Connection refused / unresolvable host / connect timeout: nothing left this machine.

    (urllib3 2 names an unknown host NameResolutionError, a NewConnectionError too.)"""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _retry_after(value) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date."""
    if not value:
        return None
    if value.strip().replace(".", "", 1).isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


def _json_or_empty(response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _json_or_text(response):
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]


def _loggable(body):
    """A copy of ``body`` safe for logs: file contents and secrets elided."""
    if isinstance(body, dict):
        return {
            key: (f"<{len(str(value))} chars elided>" if key in ELIDED_KEYS else _loggable(value))
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [_loggable(item) for item in body]
    return body
