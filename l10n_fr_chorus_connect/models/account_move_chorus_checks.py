# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pre-flight checks that ask the facts of the real Chorus Pro: the size deposer/flux takes, and the
engagement number the buyer requires, looked up in Chorus Pro."""

import logging
import threading
import time

from odoo import models

from ..chorus.errors import ChorusError
from ..chorus.values import (
    FLOW_FILE_MAX_BYTES,
    REQUIREMENT_ENGAGEMENT,
    REQUIREMENT_SERVICE_AND_ENGAGEMENT,
)

_logger = logging.getLogger(__name__)

# A batch often carries several invoices of one engagement, and « Vérifier » comes right before
# « Déposer »: an answer is kept ENGAGEMENT_CHECK_TTL seconds per (company, supplier structure,
# number), so the same number is asked once.
ENGAGEMENT_CHECK_TTL = 600
ENGAGEMENT_CHECK_TIMEOUT = 10.0
_ENGAGEMENTS: dict = {}
_ENGAGEMENTS_LOCK = threading.Lock()


class AccountMove(models.Model):
    _inherit = "account.move"

    def _chorus_check_flow_size(self, problem):
        """The Factur-X embeds the attachments: together they must fit in one deposited file."""
        total = sum(attachment.file_size or 0 for attachment in self.chorus_attachment_ids)
        if total > FLOW_FILE_MAX_BYTES:
            problem(
                "chorus_attachment_ids",
                self.env._(
                    "The attachments weigh %(size)s MB together; Chorus Pro takes %(limit)s MB per "
                    "deposited file, invoice included.",
                    size=f"{total / 1e6:.1f}",
                    limit=f"{FLOW_FILE_MAX_BYTES / 1e6:g}",
                ),
                self.env._("Remove or compress attachments."),
            )

    def _chorus_engagement_required(self, structure):
        service_code = (self.buyer_reference or "").strip()
        services = structure.service_ids.filtered(lambda service: service.code == service_code)
        return structure.requirement in (REQUIREMENT_ENGAGEMENT, REQUIREMENT_SERVICE_AND_ENGAGEMENT) or any(
            services.mapped("engagement_required")
        )

    def _chorus_check_engagement(self, problem, structure):
        """When the buyer requires an engagement number, Chorus Pro must know it, for this buyer, open.

        Unknown, another structure's or closed: refused. Chorus Pro unreachable: a warning only, the
        deposit goes on (the buyer's own check happens at integration)."""
        engagement = (self.purchase_order_reference or "").strip()
        supplier_id = self.company_id.chorus_supplier_structure_id
        if (
            not engagement
            or not structure
            or not supplier_id
            or not self._chorus_engagement_required(structure)
        ):
            return
        try:
            found = self._chorus_engagements(supplier_id, engagement)
        except ChorusError as error:
            _logger.info("Chorus Pro engagement %s not checked: %s", engagement, error)
            problem(
                "purchase_order_reference",
                self.env._(
                    "The engagement number %(number)s could not be checked with Chorus Pro (%(error)s).",
                    number=engagement,
                    error=error.message,
                ),
                self.env._(
                    "The invoice can be deposited; if Chorus Pro rejects it, check the number with your "
                    "customer."
                ),
                blocking=False,
            )
            return
        fields_name = "purchase_order_reference"
        if not found:
            problem(
                fields_name,
                self.env._(
                    "The engagement number %(number)s is unknown to Chorus Pro for your structure.",
                    number=engagement,
                ),
                self.env._("Check the engagement number (purchase order) given by your customer."),
            )
            return
        services = set(structure.service_ids.mapped("code"))
        own = [
            item for item in found if not item.service_code or not services or item.service_code in services
        ]
        if not own:
            problem(
                fields_name,
                self.env._(
                    "The engagement number %(number)s belongs to another structure than %(structure)s "
                    "(service %(service)s).",
                    number=engagement,
                    structure=structure.display_name,
                    service=found[0].service_code,
                ),
                self.env._("Check the customer of the invoice, or ask it for its own engagement number."),
            )
        elif all(item.closed for item in own):
            problem(
                fields_name,
                self.env._(
                    "The engagement number %(number)s is closed in Chorus Pro (%(state)s).",
                    number=engagement,
                    state=own[0].state_label,
                ),
                self.env._("Ask your customer for an open engagement number."),
            )

    def _chorus_engagements(self, supplier_id, number):
        key = (self.company_id.id, supplier_id, number)
        with _ENGAGEMENTS_LOCK:
            cached = _ENGAGEMENTS.get(key)
        if cached and time.monotonic() - cached[1] < ENGAGEMENT_CHECK_TTL:
            return cached[0]
        client = self.company_id.sudo()._chorus_client()
        client.timeout = min(client.timeout, ENGAGEMENT_CHECK_TIMEOUT)
        found = client.search_engagements(supplier_id, number)
        with _ENGAGEMENTS_LOCK:
            _ENGAGEMENTS[key] = (found, time.monotonic())
        return found
