"""Vendor API v2 (contract: VENDOR_CONTRACT_V2, customer side: l10n_fr_chorus_connect).

Errors are ``{"error": "<English text>", "code": "<slug>"}``; the customer maps the codes to French.
The customer is always derived from the ``Authorization: Bearer <customer_id>.<secret>`` header,
never from the body.
"""

import functools
import json
import logging
import re
import time

import psycopg2

from odoo import http
from odoo.exceptions import ConcurrencyError, ValidationError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from odoo.addons.l10n_fr_chorus_connect.chorus.token_vendor import REGISTRATION_FIELDS

from .. import signing
from ..models.rate_limit import check_rate_limit
from ..models.sale_order import wait_lock

_logger = logging.getLogger(__name__)

SIRET = re.compile(r"^\d{14}$")
ENVIRONMENTS = ("production", "qualification")
# The body keys of contract v2 (§2 and §3): anything else is refused, as the sandbox vendor does.
# The registration keys are the ones the customer's client sends: one list for both sides.
REGISTRATION_KEYS = frozenset(REGISTRATION_FIELDS)
ORDER_KEYS = frozenset(("pack_code", "environment", "request_id"))
# The customer's idempotency key of an order (contract v2 §3): the same key answers the same order.
REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class ApiError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _body(allowed):
    if request.httprequest.form:
        raise ApiError(400, "bad_request", "the body must be JSON, sent with Content-Type: application/json")
    try:
        body = json.loads(request.httprequest.get_data() or b"{}")
    except ValueError as err:
        raise ApiError(400, "bad_request", "the body is not JSON") from err
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError(400, "bad_request", f"undocumented keys: {', '.join(unknown)}")
    return body


def _text(body, key, *, required=True, max_length=256):
    value = body.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > max_length or (required and not value.strip()):
        raise ApiError(
            400, "bad_request", f"{key} must be a non-empty string of at most {max_length} characters"
        )
    return value.strip()


def vendor_api(auth=True):
    """Rate limit, authenticate, log, and turn ApiError into the contract's JSON errors."""

    def decorator(handler):
        @functools.wraps(handler)
        def wrapper(self, **kwargs):
            started = time.monotonic()
            env = request.env(su=True)
            ip = request.httprequest.remote_addr or ""
            customer = env["chorus.vendor.customer"]
            savepoint = env.cr.savepoint()
            try:
                check_rate_limit(env, ip=ip, registration=handler.__name__ == "register")
                if auth:
                    customer, code = customer._authenticate(request.httprequest.headers.get("Authorization"))
                    if code:
                        raise ApiError(401, code, "unknown customer or wrong secret")
                    check_rate_limit(env, customer=customer)
                status, data = handler(self, env, customer, **kwargs)
                savepoint.close(rollback=False)
                headers = {}
            except ApiError as err:
                savepoint.close(rollback=True)
                status, data, headers = err.status, {"error": err.message, "code": err.code}, err.headers
            except (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, ConcurrencyError):
                # Two calls on the same order or voucher: Odoo replays the request, nothing is doubled.
                savepoint.close(rollback=True)
                raise
            except Exception:
                savepoint.close(rollback=True)
                _logger.exception("vendor API %s failed", request.httprequest.path)
                status, data, headers = (
                    500,
                    {"error": "internal error, retry later", "code": "unavailable"},
                    {},
                )
            _log_call(env, customer, ip, status, data.get("code") if status >= 400 else "", started=started)
            return request.make_json_response(data, headers=headers, status=status)

        return wrapper

    return decorator


def _log_call(env, customer, ip, status, code, *, started):
    # Own cursor: a refused or failed call is logged even when its transaction is rolled back.
    values = {
        "customer_id": customer.id or False,
        "ip": ip,
        "method": request.httprequest.method,
        "endpoint": request.httprequest.path[:200],
        "status": status,
        "code": code or False,
        "duration_ms": int((time.monotonic() - started) * 1000),
    }
    with env.registry.cursor() as cr:
        env(cr=cr)["chorus.vendor.api.log"].create(values)


class VendorApi(http.Controller):
    @http.route(
        "/vendor/v2/packs", type="http", auth="public", methods=["GET"], csrf=False, save_session=False
    )
    @vendor_api(auth=False)
    def packs(self, env, customer):
        company = env.company
        products = env["product.product"]._chorus_vendor_packs(company)
        packs, rates = [], set()
        for product in products:
            packs.append(_pack_prices(product, company))
            rates.add(packs[-1].pop("_rate"))
        return 200, {
            "currency": company.currency_id.name,
            "vat_rate": ",".join(sorted(rates)),
            "packs": packs,
        }

    @http.route(
        "/vendor/v2/customers", type="http", auth="public", methods=["POST"], csrf=False, save_session=False
    )
    @vendor_api(auth=False)
    def register(self, env, customer):
        body = _body(REGISTRATION_KEYS)
        company_id = body.get("company_id")
        if isinstance(company_id, bool) or not isinstance(company_id, int) or company_id <= 0:
            raise ApiError(400, "bad_request", "company_id must be a positive integer")
        siret = _text(body, "siret", required=False, max_length=14).replace(" ", "")
        if siret and not SIRET.match(siret):
            raise ApiError(400, "bad_request", "siret must be 14 digits or empty")
        values = {
            "database_uuid": _text(body, "database_uuid", max_length=64),
            "company_id": company_id,
            "company_name": _text(body, "company_name"),
            "siret": siret,
            "vat": _text(body, "vat", required=False, max_length=32),
            "email": _text(body, "email", required=False),
            "country_code": _text(body, "country_code", required=False, max_length=2).upper() or "FR",
            "street": _text(body, "street", required=False),
            "zip": _text(body, "zip", required=False, max_length=16),
            "city": _text(body, "city", required=False),
        }
        ip = request.httprequest.remote_addr or ""
        try:
            with env.cr.savepoint():
                customer, secret = env["chorus.vendor.customer"]._register_customer(values, ip)
        except ValidationError as err:
            raise ApiError(400, "bad_request", " ".join(str(err.args[0]).split())) from err
        except psycopg2.errors.UniqueViolation:
            customer = None  # the same company registered in a concurrent call
        if not customer:
            raise ApiError(
                409,
                "already_registered",
                "this company is already registered: ask the publisher to reset its registration",
            )
        return 201, {
            "customer_id": customer.customer_ref,
            "secret": secret,
            "company_ref": customer.company_ref,
        }

    @http.route(
        "/vendor/v2/orders", type="http", auth="public", methods=["POST"], csrf=False, save_session=False
    )
    @vendor_api()
    def create_order(self, env, customer):
        body = _body(ORDER_KEYS)
        pack_code = _text(body, "pack_code", max_length=32)
        environment = body.get("environment", "production")
        if environment not in ENVIRONMENTS:
            raise ApiError(400, "bad_request", f"environment must be one of {', '.join(ENVIRONMENTS)}")
        request_id = body.get("request_id")
        if not isinstance(request_id, str) or not REQUEST_ID.match(request_id):
            raise ApiError(400, "bad_request", "request_id must be 16 to 64 letters, digits, '-' or '_'")
        known = env["sale.order"].search(
            [("chorus_vendor_customer_id", "=", customer.id), ("chorus_vendor_request_id", "=", request_id)],
            limit=1,
        )
        if known:
            return 201, _known_order(known, pack_code, environment)
        company = env.company
        product = env["product.product"]._chorus_vendor_packs(company, pack_code)[:1]
        if not product:
            raise ApiError(404, "unknown_pack", f"unknown pack {pack_code}")
        prices = _pack_prices(product, company)
        providers = env["payment.provider"]._get_compatible_providers(
            company.id,
            customer.partner_id.id,
            float(prices["amount_total"]),
            currency_id=company.currency_id.id,
        )
        if not providers:
            raise ApiError(503, "payment_unavailable", "no payment provider is available, retry later")
        try:
            signing.active_key(env["ir.config_parameter"].get_param(signing.KEY_ID_PARAM))
        except signing.SigningKeyMissingError as err:
            _logger.warning("vendor API: cannot sell, %s", err)
            raise ApiError(
                503, "payment_unavailable", "the vendor cannot sign vouchers, retry later"
            ) from err
        values = {
            "partner_id": customer.partner_id.id,
            "company_id": company.id,
            "require_payment": True,
            "require_signature": False,
            "prepayment_percent": 1.0,
            "chorus_vendor_customer_id": customer.id,
            "chorus_vendor_request_id": request_id,
            "chorus_vendor_pack_code": pack_code,
            "chorus_vendor_tokens": product.chorus_vendor_tokens,
            "chorus_vendor_environment": environment,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
        }
        try:
            with env.cr.savepoint():
                order = env["sale.order"].with_company(company).create(values)
                order.flush_recordset()
        except psycopg2.errors.UniqueViolation as err:
            # The same key in a concurrent call that committed first: replayed, this call answers its order.
            raise ConcurrencyError(f"order {request_id} created by a concurrent call") from err
        order._portal_ensure_token()
        return 201, _order_answer(order)

    @http.route(
        "/vendor/v2/orders/<string:order_ref>",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    @vendor_api()
    def read_order(self, env, customer, order_ref):
        order = env["sale.order"].search(
            [("name", "=", order_ref), ("chorus_vendor_customer_id", "=", customer.id)], limit=1
        )
        if not order:
            raise ApiError(404, "unknown_order", f"unknown order {order_ref}")
        order._chorus_vendor_sync_payment()
        return 200, order._chorus_vendor_as_json()

    @http.route(
        "/vendor/v2/vouchers/<string:voucher_ref>/redeem",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    @vendor_api()
    def redeem(self, env, customer, voucher_ref):
        voucher = env["chorus.vendor.voucher"].search(
            [("voucher_ref", "=", voucher_ref), ("customer_id", "=", customer.id)], limit=1
        )
        if not voucher:
            raise ApiError(404, "unknown_voucher", f"unknown voucher {voucher_ref}")
        wait_lock(voucher)
        voucher.invalidate_recordset()
        if voucher.state == "revoked":
            raise ApiError(410, "revoked", "this voucher was revoked: its order was refunded")
        if voucher.state == "issued":
            voucher.write({"state": "redeemed", "redeemed_at": env.cr.now()})
        return 200, {"status": "redeemed"}

    @http.route(
        "/vendor/v2/corrections", type="http", auth="public", methods=["GET"], csrf=False, save_session=False
    )
    @vendor_api()
    def corrections(self, env, customer, after=""):
        domain = [("customer_id", "=", customer.id), ("kind", "=", "refund")]
        if after:
            previous = env["chorus.vendor.voucher"].search([*domain, ("voucher_ref", "=", after)], limit=1)
            if not previous:
                raise ApiError(404, "unknown_voucher", f"unknown correction voucher {after}")
            # Asking for what comes after a correction acknowledges it and the earlier ones: the
            # back-office shows them applied by the customer (« Encaissé »), not « Émis » forever.
            applied = env["chorus.vendor.voucher"].search(
                [*domain, ("id", "<=", previous.id), ("state", "=", "issued")]
            )
            applied.write({"state": "redeemed", "redeemed_at": env.cr.now()})
            domain.append(("id", ">", previous.id))
        vouchers = env["chorus.vendor.voucher"].search(domain, order="id")
        return 200, {"corrections": [voucher._as_json() for voucher in vouchers]}


def _order_answer(order):
    answer = order._chorus_vendor_as_json()
    del answer["invoice"], answer["voucher"]
    answer["payment_url"] = order.get_base_url() + order.get_portal_url()
    return answer


def _known_order(order, pack_code, environment):
    """The order a retried ``request_id`` already created (its first answer was lost); the same key
    for another pack or environment is a customer bug, refused rather than guessed."""
    if (order.chorus_vendor_pack_code, order.chorus_vendor_environment) != (pack_code, environment):
        raise ApiError(409, "request_id_reused", "this request_id was used for another order")
    return _order_answer(order)


def _pack_prices(product, company):
    taxes = product.taxes_id.filtered(lambda tax: tax.company_id == company or not tax.company_id)
    price = product.list_price
    computed = taxes.compute_all(price, company.currency_id, 1, product=product)
    untaxed, total = computed["total_excluded"], computed["total_included"]
    rate = sum(tax.amount for tax in taxes if tax.amount_type == "percent")
    return {
        "code": product.chorus_vendor_pack_code,
        "tokens": product.chorus_vendor_tokens,
        "amount_untaxed": f"{untaxed:.2f}",
        "amount_tax": f"{total - untaxed:.2f}",
        "amount_total": f"{total:.2f}",
        "_rate": f"{rate:.2f}",
    }
