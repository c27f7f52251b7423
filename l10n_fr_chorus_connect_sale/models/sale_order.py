# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Chorus Pro references on quotations and orders, checked at confirmation."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from . import chorus_rules

OPEN_STATES = ("draft", "sent")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    chorus_is_public = fields.Boolean(
        string="Public Entity (Chorus Pro)",
        related="partner_invoice_id.commercial_partner_id.chorus_is_public",
    )
    chorus_service_code = fields.Char(
        string="Service Code",
        compute="_compute_chorus_service_code",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        tracking=True,
        help="Code of the buyer's service in Chorus Pro ('code service'). Defaults to the service code of "
        "the invoice address, else of the customer, while the order is a quotation.",
    )
    chorus_engagement = fields.Char(
        string="Engagement Number",
        copy=False,
        tracking=True,
        help="Number of the buyer's legal commitment (engagement juridique, bon de commande) that Chorus Pro "
        "requires for some public buyers: at most 50 characters.",
    )
    chorus_market_number = fields.Char(
        string="Market Number",
        tracking=True,
        help="Number of the public procurement contract (numéro de marché), when there is one.",
    )

    @api.depends(
        "partner_invoice_id",
        "partner_invoice_id.chorus_service_code",
        "partner_invoice_id.commercial_partner_id.chorus_service_code",
        "partner_invoice_id.commercial_partner_id.chorus_is_public",
    )
    def _compute_chorus_service_code(self):
        # Skipped orders re-assign their value: a stored compute that assigns nothing leaves False.
        for order in self:
            if order.state in OPEN_STATES and order.chorus_is_public:
                order.chorus_service_code = order.partner_invoice_id._chorus_effective_service_code() or False
            else:
                order.chorus_service_code = order.chorus_service_code

    @api.model
    def _chorus_normalize_vals(self, vals):
        for name in ("chorus_service_code", "chorus_engagement", "chorus_market_number"):
            if isinstance(vals.get(name), str):
                vals[name] = vals[name].strip() or False
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._chorus_normalize_vals(dict(vals)) for vals in vals_list])

    def write(self, vals):
        return super().write(self._chorus_normalize_vals(dict(vals)))

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _chorus_problems(self, look_up_engagement=True):
        """What Chorus Pro would refuse in this order's references, by the main addon's rules.

        Each problem also says whether it is a missing engagement number (``missing_engagement``),
        which the company may only warn about. When the directory was never read for the buyer,
        its requirements are unknown: that problem never blocks. With ``look_up_engagement``, an
        engagement number that Chorus Pro does not list for the company is a warning.
        """
        self.ensure_one()
        if not self.chorus_is_public:
            return []
        siret = self.partner_invoice_id._chorus_effective_siret()
        problems, structure = chorus_rules.reference_problems(
            self.env, self.company_id, siret, self.chorus_service_code, self.chorus_engagement
        )
        for problem in problems:
            if problem["field"] == "partner_invoice_id" and not structure.last_sync:
                problem["blocking"] = False
            problem["missing_engagement"] = (
                problem["field"] == "chorus_engagement" and not self.chorus_engagement
            )
            problem["service_or_engagement"] = (
                structure.requirement == chorus_rules.REQUIREMENT_SERVICE_OR_ENGAGEMENT
                and problem["field"] == "chorus_service_code"
                and not self.chorus_service_code
            )
        engagement = self.chorus_engagement
        if (
            look_up_engagement
            and engagement
            and not any(problem["field"] == "chorus_engagement" for problem in problems)
            and chorus_rules.engagement_known(self.company_id, engagement) is False
        ):
            problems.append(
                {
                    "field": "chorus_engagement",
                    "message": self.env._(
                        "Chorus Pro does not list the engagement number %(number)s as an open order for "
                        "your structure.",
                        number=engagement,
                    ),
                    "fix": self.env._(
                        "Check the number with your customer: Chorus Pro may reject the invoice."
                    ),
                    "blocking": False,
                    "missing_engagement": False,
                    "service_or_engagement": False,
                }
            )
        return problems

    def _chorus_problem_lines(self, problems):
        labels = {name: field._description_string(self.env) for name, field in self._fields.items()}
        return [
            self.env._(
                "%(field)s: %(message)s %(fix)s",
                field=labels.get(problem["field"], self.env._("Chorus Pro")),
                message=problem["message"],
                fix=problem["fix"],
            )
            for problem in problems
        ]

    def _chorus_blocks_confirmation(self, problem):
        return problem["blocking"] and not (
            problem["missing_engagement"] and self.company_id.chorus_sale_missing_engagement == "warn"
        )

    def action_confirm(self):
        warnings = {}
        for order in self.filtered(lambda order: order.state in OPEN_STATES):
            problems = order._chorus_problems()
            blocking = [problem for problem in problems if order._chorus_blocks_confirmation(problem)]
            if blocking:
                raise UserError(
                    "\n".join(
                        [
                            self.env._(
                                "Chorus Pro: %(order)s cannot be confirmed as it is.", order=order.name
                            ),
                            *order._chorus_problem_lines(blocking),
                        ]
                    )
                )
            if problems:
                warnings[order] = problems
        result = super().action_confirm()
        for order, problems in warnings.items():
            order._chorus_warn(problems)
        return result

    def _chorus_warn(self, problems):
        """Confirmed despite a missing reference: tell the salesperson in the chatter and by an activity."""
        self.ensure_one()
        lines = self._chorus_problem_lines(problems)
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Chorus Pro: this order was confirmed with references to complete before invoicing."
                ),
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            ),
            subtype_xmlid="mail.mt_note",
        )
        if any(problem["missing_engagement"] for problem in problems):
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Get the engagement number (Chorus Pro)"),
                note="\n".join(lines),
                user_id=(self.user_id or self.env.user).id,
            )

    def _chorus_portal_signing_error(self):
        """Why the buyer may not sign or pay this quotation in the portal yet (translated), or None.

        The portal always asks for a required engagement number, whatever the company setting:
        the buyer is the one who has it. The fixes speak to the buyer, not to the salesperson.
        """
        self.ensure_one()
        problems = [
            problem for problem in self._chorus_problems(look_up_engagement=False) if problem["blocking"]
        ]
        if not problems:
            return None
        buyer_fixes = {
            "chorus_engagement": self.env._(
                "Enter the engagement number of this order in the Chorus Pro box."
            ),
            "chorus_service_code": self.env._("Choose your service in My account, Chorus Pro."),
            "partner_invoice_id": self.env._("Check your billing SIRET in My account, Chorus Pro."),
        }
        either_fix = self.env._(
            "Choose your service in My account, Chorus Pro, or enter the engagement number of this order "
            "in the Chorus Pro box."
        )
        problems = [
            {
                **problem,
                "fix": either_fix
                if problem["service_or_engagement"]
                else buyer_fixes.get(problem["field"], problem["fix"]),
            }
            for problem in problems
        ]
        return "\n".join(
            [
                self.env._("Before signing or paying, complete the Chorus Pro references:"),
                *self._chorus_problem_lines(problems),
            ]
        )

    def _chorus_portal_update(self, engagement, market_number, author):
        """The buyer's engagement and market numbers from the portal; returns an error message or None.

        ``self`` is the order as the portal controller found it (sudo, access already checked).
        """
        self.ensure_one()
        engagement = (engagement or "").strip()
        market_number = (market_number or "").strip()
        if self.state not in OPEN_STATES:
            return self.env._("This order is confirmed: ask your contact to change its references.")
        if len(engagement) > chorus_rules.ENGAGEMENT_MAX_LENGTH:
            return self.env._(
                "Engagement Number: it has %(length)s characters; Chorus Pro accepts at most 50. "
                "Enter it as your authority issued it, without extra text.",
                length=len(engagement),
            )
        changes = []
        for name, value in (("chorus_engagement", engagement), ("chorus_market_number", market_number)):
            if (self[name] or "") != value:
                changes.append((self._fields[name]._description_string(self.env), value))
        if not changes:
            return None
        self.write({"chorus_engagement": engagement, "chorus_market_number": market_number})
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._("Chorus Pro references entered by the customer in the portal:"),
                Markup().join(
                    Markup("<li>%s: %s</li>") % (label, value or self.env._("(empty)"))
                    for label, value in changes
                ),
            ),
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return None
