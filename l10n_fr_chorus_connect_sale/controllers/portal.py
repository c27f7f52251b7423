# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public buyer's Chorus Pro references in the portal: "My account" and the quotation.

Every route finds its record the way sale's portal does (``_document_check_access``:
the user's own record, or the order's access token) or takes the user's own commercial
partner; nothing is read from an id the user could choose before that check.
"""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

ACCOUNT_FLASH = "chorus_account_flash"
ORDER_FLASH = "chorus_order_flash_%s"


class ChorusCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # My account
    # ------------------------------------------------------------------
    def _chorus_portal_buyer(self):
        """The commercial partner of the logged-in user when it is a public body, sudo; else empty."""
        partner = request.env.user.partner_id.commercial_partner_id
        return partner.sudo() if partner.chorus_is_public else partner.browse()

    def _prepare_my_account_rendering_values(self, *args, **kwargs):
        values = super()._prepare_my_account_rendering_values(*args, **kwargs)
        buyer = self._chorus_portal_buyer()
        if buyer:
            flash = request.session.pop(ACCOUNT_FLASH, None) or {}
            values.update(
                {
                    "chorus_buyer": buyer,
                    "chorus_siret": flash.get("siret", buyer._chorus_effective_siret()),
                    "chorus_service_code": flash.get("service_code", buyer.chorus_service_code or ""),
                    "chorus_services": buyer._chorus_portal_services(request.env.company),
                    "chorus_error": flash.get("error"),
                    "chorus_saved": flash.get("saved"),
                }
            )
        return values

    @http.route("/my/account/chorus", type="http", auth="user", methods=["POST"], website=True)
    def portal_chorus_account(self, siret=None, service_code=None, **kwargs):
        buyer = self._chorus_portal_buyer()
        if not buyer:
            return request.redirect("/my/account")
        error = buyer._chorus_portal_update(
            siret, service_code, request.env.company, request.env.user.partner_id
        )
        request.session[ACCOUNT_FLASH] = (
            {"error": error, "siret": siret or "", "service_code": service_code or ""}
            if error
            else {"saved": True}
        )
        return request.redirect("/my/account#chorus_pro")

    # ------------------------------------------------------------------
    # Quotation
    # ------------------------------------------------------------------
    @http.route()
    def portal_order_page(self, order_id, *args, **kwargs):
        response = super().portal_order_page(order_id, *args, **kwargs)
        if getattr(response, "qcontext", None) is not None and "sale_order" in response.qcontext:
            response.qcontext["chorus_flash"] = request.session.pop(ORDER_FLASH % order_id, None) or {}
        return response

    @http.route(
        "/my/orders/<int:order_id>/chorus", type="http", auth="public", methods=["POST"], website=True
    )
    def portal_order_chorus(self, order_id, access_token=None, engagement=None, market_number=None, **kwargs):
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not order_sudo.chorus_is_public:
            return request.redirect(order_sudo.get_portal_url())
        author = order_sudo.partner_id if request.env.user._is_public() else request.env.user.partner_id
        error = order_sudo._chorus_portal_update(engagement, market_number, author)
        request.session[ORDER_FLASH % order_id] = (
            {"error": error, "engagement": engagement or "", "market_number": market_number or ""}
            if error
            else {"saved": True}
        )
        return request.redirect(order_sudo.get_portal_url(anchor="chorus_pro"))

    @http.route()
    def portal_quote_accept(self, order_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return super().portal_quote_accept(
                order_id, access_token=access_token, name=name, signature=signature
            )
        error = order_sudo._chorus_portal_signing_error()
        if error:
            return {"error": error}
        return super().portal_quote_accept(
            order_id, access_token=access_token, name=name, signature=signature
        )
