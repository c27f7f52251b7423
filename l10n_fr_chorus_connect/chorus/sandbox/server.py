"""Run a sandbox on 127.0.0.1 in a background thread (tests, demos, the CLI)."""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from .app import SandboxApp
from .config import SandboxConfig
from .control_client import SandboxControl

_logger = logging.getLogger(__name__)


class _QuietHandler(WSGIRequestHandler):
    """Request lines go to debug logging instead of werkzeug's info-level access log."""

    def log_request(self, code="-", size="-"):
        _logger.debug("%s %s %s", self.command, self.path, code)

    def log_error(self, format, *args):
        _logger.debug(format, *args)


class SandboxServer:
    """A threaded werkzeug server around a :class:`SandboxApp`; a context manager.

    >>> with SandboxServer() as sandbox:          # doctest: +SKIP
    ...     requests.get(f"{sandbox.url}/cpro/transverses/v1/health-check")
    """

    def __init__(self, config: SandboxConfig | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.config = config or SandboxConfig()
        self.host = host
        self.port = port
        self.app: SandboxApp | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self.control: SandboxControl | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self.app = SandboxApp(self.config)
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"chorus-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self.control = SandboxControl(self.url)
        _logger.info("Chorus Pro sandbox listening on %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Run in the calling thread (standalone use) until interrupted."""
        self.app = self.app or SandboxApp(self.config)
        self._server = self._server or make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.port = self._server.server_port
        try:
            self._server.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        if self.app is not None:
            self.app.shutdown_event.set()
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self.control is not None:
            self.control.close()
        if self.app is not None:
            self.app.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
