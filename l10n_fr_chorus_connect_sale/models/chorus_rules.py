# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The only door from this addon to the main addon's Chorus Pro rules.

The rules (SIRET, buyer requirements, service code, engagement length) live in
``l10n_fr_chorus_connect``: the invoice pre-flight of ``account.move`` and the
``res.partner`` constraints. The pre-flight checks are private methods of
``account.move``, so an order is checked through an unsaved invoice carrying the
order's references. Every call into those rules is in this module, so that it is
the one place to re-point when they move to a shared module.
"""

import logging

from odoo.exceptions import UserError

from odoo.addons.l10n_fr_chorus_connect.chorus.errors import ChorusError
from odoo.addons.l10n_fr_chorus_connect.chorus.values import REQUIREMENT_SERVICE_OR_ENGAGEMENT
from odoo.addons.l10n_fr_chorus_connect.models.account_move_preflight import ENGAGEMENT_MAX_LENGTH

__all__ = [
    "ENGAGEMENT_MAX_LENGTH",
    "REQUIREMENT_SERVICE_OR_ENGAGEMENT",
    "buyer_structure",
    "engagement_known",
    "reference_problems",
    "siret_error",
]

_logger = logging.getLogger(__name__)

# Problem fields of the invoice pre-flight, and the order field each one concerns.
ORDER_FIELD = {
    "chorus_buyer_siret": "partner_invoice_id",
    "buyer_reference": "chorus_service_code",
    "purchase_order_reference": "chorus_engagement",
}


def reference_problems(env, company, siret, service_code, engagement):
    """What Chorus Pro would refuse in these references, for the buyer ``siret``.

    Returns the pre-flight's ``{"field", "message", "fix", "blocking"}`` dicts, with
    ``field`` renamed to the order's field (``ORDER_FIELD``).
    """
    move = env["account.move"].new(
        {
            "move_type": "out_invoice",
            "company_id": company.id,
            "chorus_buyer_siret": siret or False,
            "buyer_reference": service_code or False,
            "purchase_order_reference": engagement or False,
        }
    )
    problems = []

    def problem(field, message, fix, blocking=True):
        problems.append(
            {"field": ORDER_FIELD.get(field, field), "message": message, "fix": fix, "blocking": blocking}
        )

    structure = move._chorus_check_structure(problem)
    move._chorus_check_service_and_engagement(problem, structure)
    # The entry as last read, even never synced (the caller looks at ``last_sync``).
    return problems, move._chorus_buyer_structure()


def buyer_structure(env, company, siret):
    """The directory entry of ``siret`` for ``company``, as last read (may be empty): the invoice's rule."""
    invoice = env["account.move"].new({"company_id": company.id, "chorus_buyer_siret": siret or False})
    return invoice._chorus_buyer_structure()


def siret_error(partner, siret):
    """Why ``siret`` is not a valid SIRET (translated), or None: the partner's SIRET rule."""
    return partner._chorus_siret_error(siret)


def engagement_known(company, engagement):
    """Whether Chorus Pro lists ``engagement`` as an open order for the company; None when it cannot tell.

    Only buyers that manage their engagements in Chorus Pro (mostly the State) publish them, so an
    engagement missing from the search is a warning, never a refusal.
    """
    if not engagement or not company.chorus_supplier_structure_id:
        return None
    try:
        # The invoice pre-flight's look-up (same answer cache): one way to ask Chorus Pro about a number.
        invoice = company.env["account.move"].new({"company_id": company.id})
        found = invoice._chorus_engagements(company.chorus_supplier_structure_id, engagement)
    except (ChorusError, UserError) as error:
        _logger.info("Chorus Pro engagement %s not checked: %s", engagement, getattr(error, "message", error))
        return None
    return any(item.number == engagement for item in found)
