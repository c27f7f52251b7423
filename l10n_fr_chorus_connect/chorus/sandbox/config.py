"""Settings of one sandbox instance."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_FLOW_DELAY = 2.0
DEFAULT_STEP_DELAY = 3.0


@dataclass
class SandboxConfig:
    """How a sandbox behaves. ``flow_delay``/``step_delay`` are seconds of *sandbox* time.

    * ``db_path``: SQLite file shared by every process using this sandbox, or ``":memory:"``.
    * ``flow_delay``: time between a deposit and its flow leaving ``IN_DEPOT_PORTAIL_EN_ATTENTE...``.
    * ``step_delay``: time between two automatic lifecycle steps of an accepted invoice.
      Both are stored in the database: a value given here overwrites the stored one when the app
      starts; ``None`` keeps what the database holds (another process, or ``/_sandbox/config``,
      may have set it), else :data:`DEFAULT_FLOW_DELAY` / :data:`DEFAULT_STEP_DELAY`.
    * ``url_prefix``: stripped from request paths when the app is mounted without SCRIPT_NAME
      (e.g. ``--prefix`` of the standalone server).
    * ``unknown_route_status``: 403 like PISTE (404 to test the other client path).
    * ``business_error_status``: HTTP status of answers whose ``codeRetour`` is not 0 (200 or 400).
    * ``timeout_delay``: default sleep of the ``timeout`` fault (longer than the client's 30 s).
    """

    db_path: str = ":memory:"
    flow_delay: float | None = None
    step_delay: float | None = None
    token_lifetime: int = 3600
    url_prefix: str = ""
    unknown_route_status: int = 403
    business_error_status: int = 200
    default_page_size: int = 10
    max_page_size: int = 1000
    max_file_size: int = 30 * 1024 * 1024
    timeout_delay: float = 35.0
    check_xsd: bool = True
