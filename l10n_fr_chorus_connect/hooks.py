# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .models.chorus_token_wallet import CARRY_PARAM


def post_init_hook(env):
    """A wallet with its welcome grant for every existing company (companies created later get
    theirs in ``res.company.create``). The grant is remembered in a system parameter that the
    uninstallation leaves in place, so a reinstall does not grant it again; a balance saved by
    ``uninstall_hook`` comes back as a correction."""
    companies = env["res.company"].with_context(active_test=False).search([])
    env["chorus.token.wallet"]._ensure_for_companies(companies)


def uninstall_hook(env):
    """Uninstalling drops the ledger tables: keep each company's balance (tokens that were paid for)
    in a system parameter, for a later reinstall."""
    params = env["ir.config_parameter"].sudo()
    for wallet in env["chorus.token.wallet"].sudo().search([]):
        if wallet.balance > 0:
            params.set_param(CARRY_PARAM % wallet.company_id.id, str(wallet.balance))
