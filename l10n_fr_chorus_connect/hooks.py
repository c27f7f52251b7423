# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .models.chorus_token_wallet import CARRY_PARAM, wallet_param


def post_init_hook(env):
    """A production wallet with its welcome grant, and a wallet for the current environment, for every
    existing company (companies created later get theirs in ``res.company.create``). Grants are
    remembered in system parameters that the uninstallation leaves in place, so a reinstall does not
    grant them again; balances saved by ``uninstall_hook`` come back as corrections."""
    companies = env["res.company"].with_context(active_test=False).search([])
    wallets = env["chorus.token.wallet"]
    wallets._ensure_for_companies(companies, "production")
    wallets._ensure_for_companies(companies)


def uninstall_hook(env):
    """Uninstalling drops the ledger tables: keep each wallet's balance (tokens that were paid for),
    per company and environment, in a system parameter for a later reinstall."""
    params = env["ir.config_parameter"].sudo()
    for wallet in env["chorus.token.wallet"].sudo().search([]):
        if wallet.balance > 0:
            params.set_param(
                wallet_param(CARRY_PARAM, wallet.company_id.id, wallet.environment), str(wallet.balance)
            )
