"""Settings of one sandbox instance."""

from __future__ import annotations

from dataclasses import dataclass

from ..values import FLOW_ARCHIVE_MAX_BYTES, FLOW_FILE_MAX_BYTES

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
    * ``max_file_size`` / ``max_archive_size``: the largest ``deposer/flux`` file (a .zip/.tar.gz
      lot) accepted; larger ones get 20001 ``GDP_MSG_11.022`` (see ``values.FLOW_FILE_MAX_BYTES``).
    * ``services_page_cap``: ``rechercher/services`` serves at most this many services a page, as in
      the real answer OCA recorded (10 a page although 10000 were asked).
    * ``empty_search``: ``"no_result"`` (default): a search that finds nothing answers codeRetour
      20000 ``TRA_MSG_00.015`` as Pastell reports; ``"empty_list"``: codeRetour 0 and an empty list.
    * ``history_newest_first``: ``consulter/historique`` lists the newest status first unless asked
      ``Ascendant``, the real default; False lists oldest first.
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
    max_file_size: int = FLOW_FILE_MAX_BYTES
    max_archive_size: int = FLOW_ARCHIVE_MAX_BYTES
    services_page_cap: int = 10
    empty_search: str = "no_result"
    history_newest_first: bool = True
    timeout_delay: float = 35.0
    check_xsd: bool = True
