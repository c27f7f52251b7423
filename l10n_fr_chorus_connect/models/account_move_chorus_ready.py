# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which invoices are ready to go to Chorus Pro, and what the batch deposit says at the click."""

from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    chorus_ready = fields.Boolean(
        string="Ready for Chorus Pro",
        compute="_compute_chorus_ready",
        search="_search_chorus_ready",
        help="To deposit, and every pre-flight check passes (tokens aside).",
    )

    @api.depends_context("uid")
    @api.depends("chorus_deposit_state", "chorus_flow_id.state", "partner_id")
    def _compute_chorus_ready(self):
        for move in self:
            move.chorus_ready = move._chorus_is_ready()

    def _chorus_is_ready(self):
        self.ensure_one()
        return (
            self.chorus_deposit_state == "to_deposit"
            and not self._chorus_deposit_blocker(check_tokens=False)
            # The cheap checks, as the panel: a list filter must not export every invoice's Factur-X nor
            # ask Chorus Pro about each engagement; the deposit checks the file it builds.
            and not self._chorus_preflight(facturx=False)
        )

    @api.model
    def _search_chorus_ready(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        to_deposit = self.search([("chorus_deposit_state", "=", "to_deposit")])
        ready = to_deposit.filtered(lambda move: move._chorus_is_ready())
        wanted = value if operator == "=" else not value
        return [("id", "in" if wanted else "not in", ready.ids)]

    def _chorus_batch_plan(self):
        """Split these invoices as the batch deposit does: ``(ready, blocked, skipped, short)``.

        ``blocked`` maps an invoice to its first pre-flight problem; ``short`` are ready invoices
        beyond the tokens available, which stay where they are.
        """
        skipped = self.filtered(lambda move: move._chorus_deposit_blocker(check_tokens=False))
        blocked = {}
        for move in self - skipped:
            problems = move._chorus_preflight()
            if problems:
                blocked[move] = problems[0]
        candidates = self - skipped - self.browse([move.id for move in blocked])
        available = max(candidates[:1]._chorus_tokens_available(), 0) if candidates else 0
        return candidates[:available], blocked, skipped, candidates[available:]

    def _chorus_batch_message(self, ready, blocked, skipped, short):
        if not ready:
            lines = [self.env._("No invoice will be deposited on Chorus Pro.")]
        elif len(ready) == 1:
            lines = [self.env._("1 invoice will be deposited on Chorus Pro in the background.")]
        else:
            lines = [
                self.env._(
                    "%(count)s invoices will be deposited on Chorus Pro in the background.", count=len(ready)
                )
            ]
        if blocked:
            lines.append(
                self.env._("1 invoice is blocked by its pre-flight checks:")
                if len(blocked) == 1
                else self.env._(
                    "%(count)s invoices are blocked by their pre-flight checks:", count=len(blocked)
                )
            )
            lines += [
                f"- {move.display_name}: {problem['message']} {problem.get('fix') or ''}".rstrip()
                for move, problem in blocked.items()
            ]
        if short:
            lines.append(
                self.env._(
                    "1 invoice stays, for lack of Chorus Pro tokens: %(invoices)s.",
                    invoices=short.display_name,
                )
                if len(short) == 1
                else self.env._(
                    "%(count)s invoices stay, for lack of Chorus Pro tokens: %(invoices)s.",
                    count=len(short),
                    invoices=", ".join(short.mapped("display_name")),
                )
            )
            lines.append(self._chorus_who_buys_tokens())
        if skipped:
            lines.append(
                self.env._("1 invoice was skipped: not to deposit (draft, not public or already deposited).")
                if len(skipped) == 1
                else self.env._(
                    "%(count)s invoices were skipped: not to deposit (draft, not public or already "
                    "deposited).",
                    count=len(skipped),
                )
            )
        return "\n".join(lines)
