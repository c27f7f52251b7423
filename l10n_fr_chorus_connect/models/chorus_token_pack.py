# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


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
    amount = fields.Monetary(string="Price (tax excl.)", required=True)
    unit_price = fields.Monetary(
        string="Price per Transmission",
        compute="_compute_unit_price",
        help="Price of one token, tax excluded.",
    )

    _code_uniq = models.Constraint("unique(code)", "A pack code is unique.")
    _tokens_positive = models.Constraint("CHECK(tokens > 0)", "A pack holds at least one token.")
    _amount_positive = models.Constraint("CHECK(amount >= 0)", "A pack price cannot be negative.")

    @api.depends("tokens", "amount")
    def _compute_unit_price(self):
        for pack in self:
            pack.unit_price = pack.amount / pack.tokens if pack.tokens else 0.0

    def action_buy(self):
        """« Acheter »: order this pack from the token vendor, open its payment page."""
        self.ensure_one()
        orders = self.env["chorus.token.order"]
        orders._check_manager()
        order = orders.sudo()._place(self.env.company, self)
        return order._order_screen_action()
