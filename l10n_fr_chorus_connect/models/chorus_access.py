# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one check every public action runs on the records it receives, before any ``sudo()``.

An RPC call browses whatever ids it is given: rights, record rules and company membership
are checked here, as the calling user, so that no superuser step ever works on a record
the user could not have touched.
"""

from odoo.exceptions import AccessError

GROUP_USER = "l10n_fr_chorus_connect.group_chorus_user"
GROUP_MANAGER = "l10n_fr_chorus_connect.group_chorus_manager"


def check_chorus_access(records, operation="write", group=GROUP_USER):
    """Raise an AccessError unless the current user may ``operation`` every record of ``records``."""
    env = records.env
    if env.su:
        return
    if not env.user.has_group(group):
        raise AccessError(
            env._("Only Chorus Pro users may do this.")
            if group == GROUP_USER
            else env._("Only Chorus Pro administrators may do this.")
        )
    records.check_access(operation)
    if "company_id" in records._fields:
        foreign = records.company_id - env.user.company_ids
        if foreign:
            raise AccessError(
                env._(
                    "You do not belong to %(companies)s: its Chorus Pro records are not yours to use.",
                    companies=", ".join(foreign.mapped("name")),
                )
            )
