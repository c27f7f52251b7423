"""The sandbox in the caller's process: a ``requests`` transport adapter that calls the WSGI app.

A Sandbox-mode company of Odoo talks to the simulator through this adapter, mounted on its
client's session for :data:`BASE_URL`: no socket, no HTTP route in Odoo, so nobody outside the
process reaches the sandbox. Only the routes a real peer has are forwarded (PISTE token,
``/cpro/*``, the token vendor's ``/vendor/*``); the control API ``/_sandbox/*`` answers 404.

The request runs in a thread so that the client's read timeout holds as it would over HTTP: a
``timeout`` fault gives :class:`requests.exceptions.ReadTimeout` after ``timeout`` seconds while
the sandbox, which has already committed the call, finishes its (capped) wait on its own.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from werkzeug.test import EnvironBuilder, run_wsgi_app

from .app import ConnectionDropped, SandboxApp
from .config import SandboxConfig

# RFC 6761: ".invalid" never resolves, so a session without the adapter cannot reach anything.
BASE_URL = "http://chorus-sandbox.invalid"
FORWARDED_PREFIXES = ("/api/oauth/token", "/cpro/", "/vendor/")
NOT_FOUND = b'{"error": "not_found"}'

_apps: dict[str, SandboxApp] = {}
_apps_lock = threading.Lock()


def app_for(db_path: str) -> SandboxApp:
    """One app per SQLite file and process (the file is shared by every process using it)."""
    with _apps_lock:
        if db_path not in _apps:
            _apps[db_path] = SandboxApp(SandboxConfig(db_path=db_path))
        return _apps[db_path]


def session_for(db_path: str) -> requests.Session:
    """A session whose requests to :data:`BASE_URL` are answered by the sandbox of ``db_path``."""
    return InProcessSession(app_for(db_path))


class InProcessSession(requests.Session):
    """A session with no network transport: only the in-process adapter is mounted.

    ``send`` goes straight to that adapter (no redirects, no proxies): nothing this session sends can
    leave the process, whatever the URL, and a harness that filters ``Session.send`` by host (Odoo's
    tests let only local hosts through) has nothing to filter.
    """

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.adapters.clear()
        self.mount(BASE_URL + "/", InProcessAdapter(app))

    def send(self, request, **kwargs):
        kwargs.pop("allow_redirects", None)
        return self.get_adapter(request.url).send(request, **kwargs)


class InProcessAdapter(BaseAdapter):
    """Answers ``requests`` calls with a WSGI app, as an HTTP server in front of it would."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        if not url.path.startswith(FORWARDED_PREFIXES):
            return self._response(request, "404 NOT FOUND", {"Content-Type": "application/json"}, NOT_FOUND)
        body = request.body or b""
        environ = EnvironBuilder(
            path=url.path,
            query_string=url.query,
            method=request.method,
            base_url=f"{url.scheme}://{url.netloc}",
            headers=list(request.headers.items()),
            data=body.encode("utf-8") if isinstance(body, str) else body,
        ).get_environ()
        outcome = {}
        # A daemon: a call held by a ``timeout`` fault (60 s at most) never delays the host's exit.
        worker = threading.Thread(
            target=self._run, args=(environ, outcome), name="chorus-sandbox-inprocess", daemon=True
        )
        worker.start()
        worker.join(_read_timeout(timeout))
        if worker.is_alive():
            raise requests.exceptions.ReadTimeout(
                f"the sandbox did not answer within {timeout} s", request=request
            )
        if "dropped" in outcome:
            raise requests.exceptions.ConnectionError("the sandbox closed the connection", request=request)
        if "error" in outcome:
            raise outcome["error"]
        status, headers, content = outcome["answer"]
        return self._response(request, status, headers, content)

    def _run(self, environ, outcome):
        try:
            app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=True)
            outcome["answer"] = (status, headers, b"".join(app_iter))
        except ConnectionDropped:
            outcome["dropped"] = True
        except Exception as error:  # re-raised in the caller's thread
            outcome["error"] = error

    def _response(self, request, status, headers, content):
        response = requests.Response()
        code, _, reason = status.partition(" ")
        response.status_code = int(code)
        response.reason = reason
        response.headers = CaseInsensitiveDict(headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response._content = content
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


def _read_timeout(timeout):
    """``requests`` accepts one number or a ``(connect, read)`` pair."""
    if isinstance(timeout, tuple):
        return timeout[1]
    return timeout
