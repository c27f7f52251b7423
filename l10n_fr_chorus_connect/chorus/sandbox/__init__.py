"""Embedded PISTE + Chorus Pro simulator: a real HTTP peer for tests, demos and sandbox companies.

>>> from chorus.sandbox import SandboxServer, SandboxConfig        # doctest: +SKIP
>>> with SandboxServer(SandboxConfig(flow_delay=0)) as sandbox:     # doctest: +SKIP
...     sandbox.url, sandbox.control.stats()

Inside Odoo, :mod:`.inprocess` calls the WSGI app through a ``requests`` adapter (no socket, no route).
State lives in SQLite (``SandboxConfig.db_path``), so several processes can share one sandbox.
"""

from . import seed
from .app import ConnectionDropped, SandboxApp, create_app
from .config import SandboxConfig
from .control_client import SandboxControl, SandboxControlError
from .server import SandboxServer

__all__ = [
    "ConnectionDropped",
    "SandboxApp",
    "SandboxConfig",
    "SandboxControl",
    "SandboxControlError",
    "SandboxServer",
    "create_app",
    "seed",
]
