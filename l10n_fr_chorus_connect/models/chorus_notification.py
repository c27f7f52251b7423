# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one shape of the notifications our buttons answer with."""


def chorus_notification(env, message, kind="success", title=None):
    """A toast (``kind``: success, info, warning, danger) that stays until read unless it is a success,
    then reloads the view so that it shows what the button changed."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "title": title or env._("Chorus Pro"),
            "message": message,
            "type": kind,
            "sticky": kind != "success",
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }
