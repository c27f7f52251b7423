# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payment page of the sandbox's token vendor, for the Chorus administrators of the company.

The sandbox itself has no route in Odoo (it runs in process, see ``chorus/sandbox/inprocess.py``);
only this page is served, to a logged-in Chorus administrator of the order's company while that
company is in Sandbox mode. Anything else answers 404.
"""

import html
from urllib.parse import quote as url_quote

from odoo import http
from odoo.http import request

from ..chorus.sandbox import inprocess
from ..chorus.sandbox.vendor import PAY_FORM
from ..models.res_company_tokens import SANDBOX_PAYMENT_ROUTE


class ChorusSandboxVendorController(http.Controller):
    @http.route(
        f"{SANDBOX_PAYMENT_ROUTE}/<string:vendor_order>", type="http", auth="user", methods=["GET", "POST"]
    )
    def chorus_sandbox_vendor_pay(self, vendor_order, **_params):
        env = request.env
        if not env.user.has_group("l10n_fr_chorus_connect.group_chorus_manager"):
            raise request.not_found()
        order = env["chorus.token.order"].sudo().search([("name", "=", vendor_order)], limit=1)
        company = order.company_id
        if (
            order.environment != "sandbox"
            or company not in env.user.company_ids
            or company.chorus_environment != "sandbox"
        ):
            raise request.not_found()
        session = company.sudo()._chorus_vendor_session()
        if session is None:
            raise request.not_found()
        answer = session.request(
            request.httprequest.method,
            f"{inprocess.BASE_URL}/vendor/pay/{url_quote(order.name, safe='')}",
            timeout=30,
        )
        if answer.status_code != 200:
            raise request.not_found()
        csrf = f'<input type="hidden" name="csrf_token" value="{html.escape(request.csrf_token())}"/>'
        page = answer.text.replace(PAY_FORM, PAY_FORM + csrf, 1)
        return request.make_response(page, headers=[("Content-Type", "text/html; charset=utf-8")])
