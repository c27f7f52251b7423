"""The sandbox as a WSGI application (and a plain ``handle()`` function for hosts that are not WSGI).

Routes, relative to wherever the app is mounted:

* ``POST /api/oauth/token`` — PISTE token (form).
* ``POST /cpro/<api>/v1/<operation>`` — Chorus Pro operations; ``GET /cpro/transverses/v1/health-check``.
* ``/_sandbox/<command>`` — control API (:mod:`.control`).
* ``/vendor/...`` — token vendor (:mod:`.vendor`).

Every request runs in one ``BEGIN IMMEDIATE`` transaction (its call counter, the fault it consumes
and its business effects commit together); faults acting on the answer (``timeout``,
``drop_after_accept``, ``malformed_json``) apply after the commit, so the call is processed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from .. import contract
from . import (
    auth,
    clock,
    control,
    faults,
    routes_factures,
    routes_structures,
    routes_supplier_actions,
    routes_transverses,
    store,
    vendor,
)
from .answers import Context
from .config import DEFAULT_FLOW_DELAY, DEFAULT_STEP_DELAY, SandboxConfig

_logger = logging.getLogger(__name__)

API_ROUTES = {
    **routes_factures.ROUTES,
    **routes_transverses.ROUTES,
    **routes_structures.ROUTES,
    **routes_supplier_actions.ROUTES,
}
GET_ROUTES = dict(routes_transverses.GET_ROUTES)
JSON_TYPE = "application/json;charset=utf-8"
TRUNCATED_BODY = b'{"codeRetour": 0, "libelle": "TRA_MSG_00.0'
BAD_BODY = {"codeRetour": 400, "libelle": "Requete mal formulee : le corps doit etre un objet JSON."}
UNDOCUMENTED = "Requete mal formulee : {problems}."


class UndocumentedAnswerError(AssertionError):
    """The sandbox was about to answer a key the published contract does not have: a sandbox bug."""


class ConnectionDropped(Exception):  # noqa: N818 - names the event, like ConnectionResetError
    """``drop_after_accept``: the host must close the connection without answering."""


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(body, status=status, headers=headers or {}, content_type=JSON_TYPE)


class _BadBodyError(Exception):
    pass


def _json_body(request: Request) -> dict:
    raw = request.get_data()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as err:
        raise _BadBodyError() from err
    if not isinstance(body, dict):
        raise _BadBodyError()
    return body


class SandboxApp:
    """One sandbox over one SQLite database. Call it as WSGI, or use :meth:`handle`."""

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self.store = store.Store(self.config.db_path)
        # Set on shutdown so that a ``timeout`` fault does not hold a thread for 35 s.
        self.shutdown_event = threading.Event()
        with self.store.transaction() as db:
            self.apply_config(db)

    def apply_config(self, db, *, reset: bool = False) -> None:
        """Store the configured delays (``reset``: back to the configuration, clock included)."""
        for key, value, default in (
            ("flow_delay", self.config.flow_delay, DEFAULT_FLOW_DELAY),
            ("step_delay", self.config.step_delay, DEFAULT_STEP_DELAY),
        ):
            if value is not None:
                store.set_setting(db, key, value)
            elif reset or store.get_setting(db, key) is None:
                store.set_setting(db, key, default)
        if reset or store.get_setting(db, clock.OFFSET_KEY) is None:
            store.set_setting(db, clock.OFFSET_KEY, 0.0)

    def close(self) -> None:
        self.shutdown_event.set()
        self.store.close()

    # --- hosting -------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except ConnectionDropped:
            sock = environ.get("werkzeug.socket")
            if sock is None:
                raise
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("sandbox fault drop_after_accept") from None
        return response(environ, start_response)

    def handle(
        self, method: str, path: str, headers=None, body: bytes = b"", *, base_url: str = "http://localhost"
    ):
        """``(status, headers, body)`` for one request; raises :class:`ConnectionDropped` for that fault.

        ``path`` is relative to the mount point (``/cpro/...``); ``base_url`` is the public URL of
        the mount point, used in the vendor's payment links.
        """
        environ = EnvironBuilder(
            path=path, base_url=base_url, method=method, headers=headers, data=body
        ).get_environ()
        response = self.dispatch(Request(environ))
        return response.status_code, list(response.headers.items()), response.get_data()

    # --- dispatch ------------------------------------------------------------------------------
    def _path(self, request: Request) -> str:
        path = request.path
        prefix = self.config.url_prefix.rstrip("/")
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :] or "/"
        return path

    def _base_url(self, request: Request) -> str:
        base = request.host_url.rstrip("/") + request.script_root
        if self.config.url_prefix and request.path.startswith(self.config.url_prefix.rstrip("/") + "/"):
            base += self.config.url_prefix.rstrip("/")
        return base

    def _context(self, db, request: Request) -> Context:
        offset = float(store.get_setting(db, clock.OFFSET_KEY, 0.0))
        return Context(
            db=db,
            now=clock.sandbox_now(offset),
            config=self.config,
            flow_delay=float(store.get_setting(db, "flow_delay", DEFAULT_FLOW_DELAY)),
            step_delay=float(store.get_setting(db, "step_delay", DEFAULT_STEP_DELAY)),
            base_url=self._base_url(request),
        )

    def dispatch(self, request: Request) -> Response:
        path = self._path(request)
        try:
            if path == "/api/oauth/token":
                return self._api(request, faults.TOKEN_ROUTE)
            if path.startswith("/cpro/"):
                return self._api(request, path[len("/cpro/") :].strip("/"))
            if path.startswith("/_sandbox/"):
                return self._control(request, path[len("/_sandbox/") :].strip("/"))
            if path.startswith("/vendor/"):
                return self._vendor(request, path[len("/vendor/") :].strip("/"))
            return json_response({"error": "not_found"}, 404)
        except ConnectionDropped:
            raise
        except Exception:
            _logger.exception("sandbox failed on %s %s", request.method, path)
            return json_response({"error": "internal_error"}, 500)

    @staticmethod
    def _count(db, route: str) -> None:
        db.execute(
            "INSERT INTO stats (route, calls) VALUES (?, 1) "
            "ON CONFLICT(route) DO UPDATE SET calls = calls + 1",
            (route,),
        )

    def _api(self, request: Request, route: str) -> Response:
        is_token = route == faults.TOKEN_ROUTE
        handler = None
        if not is_token:
            handler = (GET_ROUTES if request.method == "GET" else API_ROUTES).get(route)
            if handler is None:
                with self.store.transaction() as db:
                    self._count(db, "(unknown)")
                if route in API_ROUTES or route in GET_ROUTES:
                    return json_response({"error": "method_not_allowed"}, 405)
                return json_response(
                    {
                        "error": "access_denied",
                        "error_description": "Route non autorisee pour cette application",
                    },
                    self.config.unknown_route_status,
                )
        elif request.method != "POST":
            return json_response({"error": "method_not_allowed"}, 405)
        request.get_data()  # read the upload before taking the database lock
        with self.store.transaction() as db:
            ctx = self._context(db, request)
            self._count(db, route)
            fault, params = faults.take(db, route)
            if fault in faults.REFUSING:
                response = self._refusal(fault, params)
            else:
                if fault in faults.HANDED_TO_OPERATION:
                    ctx.fault = (fault, params)
                response = self._answer(ctx, request, route, handler, expire=fault == faults.EXPIRE_TOKEN)
        if fault == faults.TIMEOUT:
            self.shutdown_event.wait(faults.capped_delay(params.get("delay", self.config.timeout_delay)))
        elif fault == faults.DROP_AFTER_ACCEPT:
            raise ConnectionDropped()
        elif fault == faults.MALFORMED_JSON:
            response = Response(TRUNCATED_BODY, status=200, content_type=JSON_TYPE)
        return response

    def _answer(self, ctx: Context, request: Request, route: str, handler, *, expire: bool) -> Response:
        try:
            if route == faults.TOKEN_ROUTE:
                form = request.form.to_dict()
                return json_response(auth.issue_token(ctx, form, request.headers.get("Authorization", "")))
            auth.check_bearer(ctx, request.headers.get("Authorization", ""), expire=expire)
            header = request.headers.get("cpro-account")
            if header is not None or request.method != "GET":
                ctx.account = auth.technical_account(header)
            body = _json_body(request)
            problems = contract.request_problems(route, body)
            if problems:
                # The real API refuses keys it does not know on some operations (issue 8): so do we, on all.
                return json_response(
                    {"codeRetour": 400, "libelle": UNDOCUMENTED.format(problems="; ".join(problems))}, 400
                )
            payload = handler(ctx, body)
        except auth.Refusal as refusal:
            return json_response(refusal.body, refusal.status, refusal.headers)
        except _BadBodyError:
            return json_response(BAD_BODY, 400)
        problems = contract.response_problems(route, payload)
        if problems:
            raise UndocumentedAnswerError(f"{route}: {'; '.join(problems)}")
        failed = payload.get("codeRetour", 0) != 0
        return json_response(payload, self.config.business_error_status if failed else 200)

    def _refusal(self, fault: str, params: dict) -> Response:
        if fault == faults.INVALID_CLIENT:
            status = int(params.get("status", 400))
            return json_response(
                {"error": "invalid_client", "error_description": "Client authentication failed"}, status
            )
        if fault == faults.RATE_LIMIT:
            retry_after = f"{faults.capped_delay(params.get('retry_after', 2)):g}"
            return json_response(
                {"error": "too_many_requests", "error_description": "Quota depasse"},
                429,
                {"Retry-After": retry_after},
            )
        if fault == faults.BUSINESS_ERROR_400:
            return json_response(
                {
                    "codeRetour": int(params.get("code", 20002)),
                    "libelle": params.get(
                        "libelle", "TRA_MSG_00.099 - Erreur metier simulee par le bac a sable."
                    ),
                },
                400,
            )
        status = 500 if fault == faults.HTTP_500 else 503
        text = "Internal Server Error" if status == 500 else "Service Unavailable"
        return Response(
            f"<html><body><h1>{status} {text}</h1></body></html>", status=status, content_type="text/html"
        )

    def _control(self, request: Request, name: str) -> Response:
        handler = control.ROUTES.get(name)
        if handler is None:
            return json_response({"error": f"unknown control command {name}"}, 404)
        try:
            body = _json_body(request)
        except _BadBodyError:
            return json_response({"error": "the body must be a JSON object"}, 400)
        try:
            with self.store.transaction() as db:
                ctx = self._context(db, request)
                return json_response(handler(ctx, body, self))
        except control.ControlError as err:
            return json_response({"error": err.message}, err.status)

    def _vendor(self, request: Request, path: str) -> Response:
        parts = path.split("/")
        if parts[0] == "v2":
            with self.store.transaction() as db:
                limited = vendor.take_rate_limit(db)
            if limited:
                body = {"error": "too many requests", "code": "rate_limited"}
                return json_response(body, 429, {"Retry-After": vendor.RETRY_AFTER})
        fault, params = None, {}
        try:
            with self.store.transaction() as db:
                ctx = self._context(db, request)
                if len(parts) == 2 and parts[0] == "pay" and request.method in ("GET", "POST"):
                    self._count(db, "vendor/pay/<id>")
                    if request.method == "POST":
                        vendor.pay(db, ctx.now, parts[1])
                    page = vendor.payment_page(db, parts[1], done=request.method == "POST")
                    response = Response(page, content_type="text/html; charset=utf-8")
                elif parts[0] == "v2" and len(parts) >= 2:
                    route = "/".join(["vendor", *parts[:2], *("<id>" for _ in parts[2:3]), *parts[3:]])
                    self._count(db, route)
                    # Faults named for this vendor route only (never "*", which targets Chorus):
                    # the call is processed and committed, then its answer is held or dropped.
                    fault, params = faults.take(db, route, any_route=False)
                    response = self._vendor_api(db, ctx, request, parts)
                else:
                    response = json_response({"error": "not found", "code": "bad_request"}, 404)
        except vendor.VendorError as err:
            response = json_response({"error": err.message, "code": err.code}, err.status)
            response.headers.update(err.headers)
            return response
        except _BadBodyError:
            return json_response({"error": "the body must be a JSON object", "code": "bad_request"}, 400)
        if fault == faults.TIMEOUT:
            self.shutdown_event.wait(faults.capped_delay(params.get("delay", self.config.timeout_delay)))
        elif fault == faults.DROP_AFTER_ACCEPT:
            raise ConnectionDropped()
        return response

    @staticmethod
    def _vendor_api(db, ctx, request: Request, parts: list) -> Response:
        """``/vendor/v2/...`` (contract v2, readme/VENDOR_API.rst); raises ``vendor.VendorError``."""
        method = request.method
        if (method, parts) == ("GET", ["v2", "packs"]):
            return json_response(vendor.packs(db))
        if (method, parts) == ("POST", ["v2", "customers"]):
            return json_response(vendor.register(db, ctx.now, _json_body(request)), 201)
        customer = vendor.authenticate(db, request.headers.get("Authorization"))
        routes = {
            ("POST", "orders", 2): lambda: (
                201,
                vendor.create_order(db, ctx.now, customer, _json_body(request), ctx.base_url),
            ),
            ("GET", "orders", 3): lambda: (200, vendor.order_status(db, parts[2], customer)),
            ("POST", "vouchers", 4): lambda: (200, vendor.redeem(db, ctx.now, customer, parts[2])),
            ("GET", "corrections", 2): lambda: (
                200,
                vendor.corrections(db, customer, request.args.get("after", "")),
            ),
        }
        handler = routes.get((method, parts[1], len(parts)))
        if handler is None or (parts[1] == "vouchers" and parts[3] != "redeem"):
            return json_response({"error": "not found", "code": "bad_request"}, 404)
        status, answer = handler()
        return json_response(answer, status)


def create_app(config: SandboxConfig | None = None) -> SandboxApp:
    """The WSGI application of a sandbox (mount it anywhere; see ``SandboxConfig.url_prefix``)."""
    return SandboxApp(config)
