# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The packs of tokens the vendor sells, with the vendor's current prices.

The built-in list (data/chorus_token_pack_data.xml) names the packs and gives fallback prices;
the prices shown are those of the vendor's ``GET /vendor/v2/packs`` (contract v2 §1), kept one
hour per vendor address in this process. When the vendor cannot be read, the built-in prices are
shown with French VAT on top, and labelled so.
"""

import logging
import threading
import time
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..chorus.token_vendor import VendorError

_logger = logging.getLogger(__name__)

PRICE_CACHE_SECONDS = 3600
PRICE_TIMEOUT = 5.0
BUILT_IN_VAT_RATE = Decimal("20.00")
_price_cache = {}  # vendor URL -> (monotonic time, {pack code: pack dict})
_price_lock = threading.Lock()


def vendor_prices(company, environment=None):
    """``{pack_code: {"amount_untaxed", "amount_tax", "amount_total", ...}}`` of the company's vendor,
    from the cache when younger than one hour; ``{}`` when the vendor cannot be read."""
    try:
        url = company._chorus_vendor_url(environment)
    except UserError:  # no vendor address configured: built-in prices
        return {}
    with _price_lock:
        cached = _price_cache.get(url)
    if cached and time.monotonic() - cached[0] < PRICE_CACHE_SECONDS:
        return cached[1]
    client = company._chorus_vendor_client(environment, register=False)
    client.timeout = PRICE_TIMEOUT
    try:
        answer = client.packs()
        prices = {str(pack["code"]): pack for pack in answer["packs"] if isinstance(pack, dict)}
        for pack in prices.values():
            for key in ("amount_untaxed", "amount_tax", "amount_total"):
                pack[key] = Decimal(str(pack[key]))
    except (VendorError, KeyError, TypeError, ArithmeticError, ValueError) as error:
        _logger.info("Chorus Pro token prices not read from %s: %s", url, error)
        return {}
    with _price_lock:
        _price_cache[url] = (time.monotonic(), prices)
    return prices


def forget_vendor_prices():
    with _price_lock:
        _price_cache.clear()


class ChorusTokenPack(models.Model):
    """A pack of tokens the vendor sells (data: data/chorus_token_pack_data.xml)."""

    _name = "chorus.token.pack"
    _description = "Chorus Pro Token Pack"
    _order = "sequence, tokens"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Pack code the token vendor knows (pack_code).")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    tokens = fields.Integer(required=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.ref("base.EUR")
    )
    amount = fields.Monetary(
        string="Built-in Price (tax excl.)", required=True, help="Shown when the vendor cannot be read."
    )
    price_untaxed = fields.Monetary(string="Price (tax excl.)", compute="_compute_prices")
    price_total = fields.Monetary(string="Price (tax incl.)", compute="_compute_prices")
    price_origin = fields.Selection(
        [("vendor", "Vendor's price"), ("built_in", "Built-in price (vendor unreachable)")],
        compute="_compute_prices",
    )
    unit_price = fields.Monetary(
        string="Price per Transmission",
        compute="_compute_prices",
        help="Price of one token, tax excluded.",
    )

    _code_uniq = models.Constraint("unique(code)", "A pack code is unique.")
    _tokens_positive = models.Constraint("CHECK(tokens > 0)", "A pack holds at least one token.")
    _amount_positive = models.Constraint("CHECK(amount >= 0)", "A pack price cannot be negative.")

    @api.depends("tokens", "amount")
    @api.depends_context("company")
    def _compute_prices(self):
        prices = vendor_prices(self.env.company) if self else {}
        for pack in self:
            offer = prices.get(pack.code)
            if offer:
                untaxed, total, origin = offer["amount_untaxed"], offer["amount_total"], "vendor"
            else:
                untaxed = Decimal(str(pack.amount))
                total = untaxed + (untaxed * BUILT_IN_VAT_RATE / 100).quantize(Decimal("0.01"))
                origin = "built_in"
            pack.price_untaxed = float(untaxed)
            pack.price_total = float(total)
            pack.price_origin = origin
            pack.unit_price = float(untaxed) / pack.tokens if pack.tokens else 0.0

    def action_buy(self):
        """« Acheter »: order this pack from the token vendor, open its payment page."""
        self.ensure_one()
        orders = self.env["chorus.token.order"]
        orders._check_manager()
        return orders.sudo()._place(self.env.company, self)
