import sys
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "l10n_fr_chorus_connect"
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))

import pytest  # noqa: E402


@pytest.fixture
def sandbox():
    """A fresh in-memory sandbox on 127.0.0.1 (flows integrate after 2 s, statuses move every 3 s)."""
    from chorus.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(db_path=":memory:", flow_delay=2.0, step_delay=3.0)) as server:
        yield server


@pytest.fixture
def sandbox_session(sandbox):
    """Raw Chorus Pro calls to ``sandbox`` with the seeded credentials (plain ``requests``)."""
    from sandbox_api import ChorusSession

    session = ChorusSession(sandbox.url)
    yield session
    session.close()
