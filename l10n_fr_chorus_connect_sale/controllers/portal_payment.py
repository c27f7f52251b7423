# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public buyer pays its quotation in the portal only once its Chorus Pro references are complete.

The payment route ``/my/orders/<id>/transaction`` belongs to sale's ``PaymentPortal``, not to its
``CustomerPortal`` (odoo/addons/sale/controllers/portal.py, ``class PaymentPortal``): the check must
extend that class, or sale's own method keeps answering the route and the check never runs.
"""

from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError

from odoo.addons.sale.controllers.portal import PaymentPortal


class ChorusPaymentPortal(PaymentPortal):
    @http.route()
    def portal_order_transaction(self, order_id, access_token, **kwargs):
        try:
            order_sudo = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            # sale's method answers a bad order or token with its own error.
            return super().portal_order_transaction(order_id, access_token, **kwargs)
        if order_sudo.state in ("draft", "sent"):
            error = order_sudo._chorus_portal_signing_error()
            if error:
                raise ValidationError(error)
        return super().portal_order_transaction(order_id, access_token, **kwargs)
