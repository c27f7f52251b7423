# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What Chorus Pro needs on an invoice: the recipient SIRET, payment means and attachments.

The service code, engagement and market number are the fields of
``l10n_fr_facturx_chorus_pro`` (``buyer_reference``, ``purchase_order_reference``,
``contract_reference``): this module only gives them defaults.
"""

from odoo import api, fields, models

from ..chorus.identifiers import compact_siret

# UNTDID 4461 codes that Chorus Pro accepts as "mode de paiement".
PAYMENT_MEANS = [
    ("30", "Credit transfer"),
    ("58", "SEPA credit transfer"),
    ("31", "Debit transfer"),
    ("42", "Payment to bank account"),
    ("49", "Direct debit"),
    ("20", "Cheque"),
    ("10", "In cash"),
    ("97", "Clearing between partners"),
    ("1", "Instrument not defined"),
]
# Chorus Pro only accepts an IBAN as the account of these codes.
TRANSFER_CODES = {"30", "31", "42", "58"}
DEFAULT_PAYMENT_MEANS = "30"


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_buyer_siret = fields.Char(
        string="Recipient SIRET",
        compute="_compute_chorus_buyer_siret",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        help="SIRET of the public body's establishment that receives the invoice in Chorus Pro. "
        "Defaults to the SIRET of the invoice address.",
    )
    chorus_payment_means = fields.Selection(
        PAYMENT_MEANS,
        string="Payment Means (Chorus Pro)",
        compute="_compute_chorus_payment_means",
        store=True,
        readonly=False,
        copy=False,  # a credit note made from an invoice must not inherit it
        help="How the public body pays this invoice. Chorus Pro requires it on invoices and refuses it on "
        "credit notes; for a transfer, the recipient bank account must be an IBAN.",
    )
    chorus_attachment_ids = fields.Many2many(
        "ir.attachment",
        "account_move_chorus_attachment_rel",
        "move_id",
        "attachment_id",
        string="Chorus Pro Attachments",
        copy=False,
        help="Files embedded in the Factur-X sent to Chorus Pro (at most 10 MB each, names of at most "
        "50 characters with an extension).",
    )
    # Defaults of the l10n_fr_facturx_chorus_pro fields.
    buyer_reference = fields.Char(
        compute="_compute_buyer_reference", store=True, readonly=False, precompute=True
    )
    purchase_order_reference = fields.Char(
        compute="_compute_purchase_order_reference", store=True, readonly=False, precompute=True
    )

    def _chorus_defaults_open(self):
        """Defaults follow the customer only while nothing left Odoo."""
        self.ensure_one()
        return (
            self.state == "draft"
            and not self.is_move_sent
            and self.move_type in ("out_invoice", "out_refund")
        )

    # Skipped records re-assign their value: a stored compute that assigns nothing leaves
    # False in the cache.
    @api.depends("partner_id")
    def _compute_chorus_buyer_siret(self):
        for move in self:
            if move._chorus_defaults_open() and move.partner_id:
                move.chorus_buyer_siret = move.partner_id._chorus_effective_siret() or False
            else:
                move.chorus_buyer_siret = move.chorus_buyer_siret

    @api.depends("partner_id")
    def _compute_buyer_reference(self):
        for move in self:
            if move._chorus_defaults_open() and move.partner_id.commercial_partner_id.chorus_is_public:
                move.buyer_reference = move.partner_id._chorus_effective_service_code() or False
            else:
                move.buyer_reference = move.buyer_reference

    @api.depends("partner_id", "ref")
    def _compute_purchase_order_reference(self):
        # Not on credit notes: their ref is "Reversal of: ..." and the engagement comes with the copy.
        for move in self:
            if (
                move._chorus_defaults_open()
                and move.move_type == "out_invoice"
                and move.partner_id.commercial_partner_id.chorus_is_public
                and move.ref
                and not move.purchase_order_reference
            ):
                move.purchase_order_reference = move.ref.strip()
            else:
                move.purchase_order_reference = move.purchase_order_reference

    @api.depends("move_type", "partner_bank_id")
    def _compute_chorus_payment_means(self):
        for move in self:
            if move.move_type != "out_invoice":
                move.chorus_payment_means = False
            elif move.partner_bank_id and not move.chorus_payment_means:
                move.chorus_payment_means = DEFAULT_PAYMENT_MEANS
            else:
                move.chorus_payment_means = move.chorus_payment_means

    def _chorus_is_applicable(self):
        """A customer invoice or credit note to a public body: it goes through Chorus Pro."""
        self.ensure_one()
        return (
            self.move_type in ("out_invoice", "out_refund")
            and self.state in ("draft", "posted")
            and bool(self.commercial_partner_id.chorus_is_public)
        )

    def _chorus_company_siret(self):
        self.ensure_one()
        return self.company_id._chorus_supplier_siret()

    def _chorus_recipient_siret(self):
        """The recipient SIRET without the spaces or dots a user may type."""
        self.ensure_one()
        return compact_siret(self.chorus_buyer_siret)

    def _chorus_buyer_structure(self):
        """The directory entry of the recipient SIRET, as last synced (may be empty)."""
        self.ensure_one()
        siret = self._chorus_recipient_siret()
        if not siret:
            return self.env["chorus.structure"]
        return self.env["chorus.structure"].search(
            [("siret", "=", siret), ("company_id", "=", self.company_id.id)], limit=1
        )
