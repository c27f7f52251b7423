"""``python -m chorus.sandbox --port 8765 --db /tmp/x.sqlite --flow-delay 2 --step-delay 3``"""

from __future__ import annotations

import argparse
import contextlib
import logging

from .config import SandboxConfig
from .server import SandboxServer


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m chorus.sandbox", description="PISTE + Chorus Pro sandbox"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", default=":memory:", help="SQLite file shared by every process, or :memory:")
    parser.add_argument(
        "--flow-delay", type=float, help="seconds before a flow is integrated (default: stored value, else 2)"
    )
    parser.add_argument(
        "--step-delay",
        type=float,
        help="seconds between two invoice statuses (default: stored value, else 3)",
    )
    parser.add_argument("--prefix", default="", help="URL prefix to strip, e.g. /chorus_sandbox")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s"
    )
    config = SandboxConfig(
        db_path=args.db, flow_delay=args.flow_delay, step_delay=args.step_delay, url_prefix=args.prefix
    )
    server = SandboxServer(config, host=args.host, port=args.port)
    logging.getLogger("chorus.sandbox").info(
        "Chorus Pro sandbox on http://%s:%s%s (Ctrl+C to stop)", args.host, args.port, args.prefix
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
