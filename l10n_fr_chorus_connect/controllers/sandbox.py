# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Chorus Pro sandbox served by Odoo itself under ``/chorus_sandbox``.

A company in Sandbox mode talks to this URL over real HTTP with the real client, so a new
database works with no credentials. The sandbox state is a SQLite file per database in Odoo's
data directory, which every worker shares.
"""

import logging
import os
import threading
from urllib.parse import urlencode

from odoo import http
from odoo.http import request
from odoo.tools import config

from ..chorus.sandbox import ConnectionDropped, SandboxApp, SandboxConfig

_logger = logging.getLogger(__name__)

MOUNT_POINT = "/chorus_sandbox"
FORWARDED_HEADERS = ("Authorization", "Content-Type", "Accept", "cpro-account")

_apps = {}
_apps_lock = threading.Lock()


def sandbox_db_path(dbname):
    folder = os.path.join(config["data_dir"], "chorus_sandbox")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"{dbname}.sqlite")


def sandbox_app(dbname):
    """One sandbox app per database and process; they share the database's SQLite file."""
    with _apps_lock:
        if dbname not in _apps:
            _apps[dbname] = SandboxApp(SandboxConfig(db_path=sandbox_db_path(dbname)))
        return _apps[dbname]


class ChorusSandboxController(http.Controller):
    @http.route(
        [MOUNT_POINT, f"{MOUNT_POINT}/<path:subpath>"],
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def chorus_sandbox(self, subpath="", **_params):
        if not request.db or not request.env["res.company"].sudo().search_count(
            [("chorus_environment", "=", "sandbox")], limit=1
        ):
            raise request.not_found()
        httprequest = request.httprequest
        headers = {
            name: httprequest.headers[name] for name in FORWARDED_HEADERS if name in httprequest.headers
        }
        if httprequest.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            # Odoo has already parsed the form: send it on re-encoded.
            body = urlencode(list(httprequest.form.items(multi=True))).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = httprequest.get_data()
        query = httprequest.query_string.decode()
        path = "/" + subpath + (f"?{query}" if query else "")
        base_url = httprequest.host_url.rstrip("/") + MOUNT_POINT
        try:
            status, answer_headers, answer = sandbox_app(request.db).handle(
                httprequest.method, path, headers, body, base_url=base_url
            )
        except ConnectionDropped:
            # A worker cannot cut its own socket cleanly; an empty gateway error is the closest.
            _logger.info("Chorus sandbox: drop_after_accept fault answered with an empty 502")
            return request.make_response(b"", status=502)
        kept = [(name, value) for name, value in answer_headers if name.lower() not in ("content-length",)]
        return request.make_response(answer, headers=kept, status=status)
