# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pre-flight checks on what the directory says, on the references' lengths and on silent risks."""

from odoo import fields, models

# The published Swagger (factures.json, SoumettreFactureReferences.numeroMarche) gives no length.
# The market number travels in the same ``references`` block as the engagement number
# (numeroBonCommande), whose limit is 50 [OCA l10n_fr_chorus_account, _chorus_check_commitment_number]:
# the same limit is held here so that a pasted text never reaches Chorus Pro nor stretches the panel.
MARKET_NUMBER_MAX_LENGTH = 50


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_check_directory_and_risks(self, problem, structure):
        self._chorus_check_market_number(problem)
        self._chorus_check_structure_public(problem, structure)
        self._chorus_check_future_date(problem)
        self._chorus_check_duplicate_number(problem)

    def _chorus_check_market_number(self, problem):
        market = (self.contract_reference or "").strip()
        if len(market) > MARKET_NUMBER_MAX_LENGTH:
            problem(
                "contract_reference",
                self.env._(
                    "The market number has %(length)s characters; Chorus Pro accepts at most 50.",
                    length=len(market),
                ),
                self.env._("Correct the market number: Odoo never cuts it for you."),
            )

    def _chorus_check_structure_public(self, problem, structure):
        if structure and structure.last_sync and not structure.is_public:
            problem(
                "chorus_buyer_siret",
                self.env._(
                    "The Chorus Pro directory does not list %(structure)s as a public body receiving "
                    "invoices: Chorus Pro would reject the deposit.",
                    structure=structure.display_name,
                ),
                self.env._(
                    "Ask your customer for the SIRET of its establishment that receives invoices, "
                    "or fetch the directory again if it has just changed."
                ),
            )

    def _chorus_check_future_date(self, problem):
        # Chorus Pro's published API states no rule on it; a public body may reject an invoice dated
        # after its receipt, and the payment delay runs from the receipt anyway: a warning, not a refusal.
        if self.invoice_date and self.invoice_date > fields.Date.context_today(self):
            problem(
                "invoice_date",
                self.env._(
                    "The invoice is dated %(date)s, in the future: the public body may reject it.",
                    date=self.invoice_date,
                ),
                self.env._("Check the invoice date; deposit it on that day at the earliest."),
                blocking=False,
            )

    def _chorus_check_duplicate_number(self, problem):
        # Chorus Pro refuses a second invoice with the same number from the same supplier.
        if not self.name or self.name == "/":
            return
        twins = self.search(
            [
                ("id", "!=", self.id),
                ("name", "=", self.name),
                ("company_id", "=", self.company_id.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
            ],
            limit=1,
        )
        if twins:
            problem(
                "name",
                self.env._(
                    "The number %(number)s is also the number of an invoice of the journal %(journal)s: "
                    "Chorus Pro rejects the second invoice with the same number.",
                    number=self.name,
                    journal=twins.journal_id.display_name,
                ),
                self.env._("Give the journals different sequence prefixes."),
                blocking=False,
            )
