# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The token ledger: every movement of a wallet, append-only, each with its environment.

Entries are only written by ``chorus.token.wallet._append`` under the wallet row lock;
nobody writes or deletes one afterwards (a mistake is fixed by a compensating
correction with its reason). The balance of a wallet is the sum of its entries.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .res_company import CHORUS_ENVIRONMENTS

LEDGER_KINDS = [
    ("grant", "Welcome grant"),
    ("debit", "Transmission"),
    ("credit_back", "Rejected at integration"),
    ("purchase", "Purchase"),
    ("correction", "Correction"),
]
APPEND_CONTEXT_KEY = "chorus_token_ledger_append"


class ChorusTokenLedger(models.Model):
    _name = "chorus.token.ledger"
    _description = "Chorus Pro Token Ledger Entry"
    _order = "id desc"
    _rec_name = "reference"

    wallet_id = fields.Many2one(
        "chorus.token.wallet", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    environment = fields.Selection(
        CHORUS_ENVIRONMENTS,
        required=True,
        readonly=True,
        default="production",
        help="The Chorus Pro environment of the wallet this entry moved.",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    kind = fields.Selection(LEDGER_KINDS, required=True, readonly=True)
    quantity = fields.Integer(
        required=True, readonly=True, help="Tokens added (positive) or used (negative)."
    )
    balance_after = fields.Integer(
        string="Balance", readonly=True, help="Balance of the wallet after this entry."
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    flow_id = fields.Many2one(
        "chorus.flow", string="Deposit", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    flow_reference = fields.Char(string="Flow Number", readonly=True, help="numeroFluxDepot of the deposit.")
    order_id = fields.Many2one(
        "chorus.token.order", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    voucher_id = fields.Char(readonly=True, help="Identifier of the vendor's signed voucher.")
    reason = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    reference = fields.Char(compute="_compute_reference")

    _quantity_not_zero = models.Constraint("CHECK(quantity <> 0)", "A ledger entry moves at least one token.")
    _voucher_once = models.UniqueIndex(
        "(voucher_id) WHERE voucher_id IS NOT NULL", "This voucher was already credited."
    )
    _grant_once = models.UniqueIndex(
        "(company_id, environment) WHERE kind = 'grant'", "The free tokens of a wallet are given once."
    )
    _debit_once = models.UniqueIndex(
        "(flow_id, move_id) WHERE kind = 'debit'", "This invoice was already charged for this deposit."
    )
    _credit_back_once = models.UniqueIndex(
        "(flow_id, move_id) WHERE kind = 'credit_back'", "This token was already given back."
    )

    @api.depends("kind", "move_id", "flow_reference", "voucher_id", "reason")
    def _compute_reference(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for entry in self:
            detail = entry.move_id.display_name or entry.voucher_id or entry.reason or ""
            entry.reference = f"{kinds.get(entry.kind, '')} {detail}".strip()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get(APPEND_CONTEXT_KEY):
            raise UserError(
                self.env._(
                    "Token ledger entries are recorded by Odoo itself; an administrator corrects a balance "
                    "with the « Correct the balance » button."
                )
            )
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(
            self.env._("The token ledger cannot be modified: record a correction with its reason instead.")
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("The token ledger cannot be deleted: record a correction with its reason instead.")
        )
