"""A small Language Server Protocol client: runs the YAML language server that VS Code's
YAML extension (redhat.vscode-yaml) and other editors run, over stdio, and collects what
it publishes for each file it is shown.

LSP is JSON-RPC 2.0 where every message is framed by a ``Content-Length`` header
(https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/).
A reader thread takes the server's messages off its stdout; the test waits on a queue for
the ``textDocument/publishDiagnostics`` of each file it opened, with a bound on the wait
only so that a broken server fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any, BinaryIO

from tests.e2e.engines import Missing, _npm_package

# Settings an editor user has by default, but for the schema store: its catalogue is
# fetched from the network, which the tests do not have (and do not need: links.yaml
# names its schema in its first line).
SETTINGS = {
    "yaml": {
        "validate": True,
        "hover": True,
        "completion": True,
        "schemaStore": {"enable": False},
        "yamlVersion": "1.2",
    }
}
# Far longer than any answer takes; a server that says nothing for this long is broken.
PATIENCE = 120.0


class Server:
    """One running yaml-language-server; ``close()`` shuts it down as an editor does."""

    def __init__(self, root: Path, log: Path) -> None:
        entry = "bin/yaml-language-server"
        node, self.version = _npm_package("yaml-language-server", entry)
        from tests.e2e.engines import NPM

        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [node, str(NPM / "yaml-language-server" / entry), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._next_id = 0
        self._answers: dict[int, queue.Queue[dict]] = {}
        self.diagnostics: queue.Queue[dict] = queue.Queue()
        self.others: list[dict] = []  # every other notification, for a failing test's message
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self._reader.start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "textDocument": {
                        "publishDiagnostics": {"relatedInformation": True},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                    },
                    "workspace": {"workspaceFolders": True},
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})

    # -- the wire ---------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self, out: BinaryIO) -> None:
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return  # the server ended
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(out.read(length))
            if "id" in message and "method" in message:  # a request of the server's
                self._answer_server(message)
            elif "id" in message:
                self._answers.setdefault(message["id"], queue.Queue()).put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics.put(message["params"])
            else:
                self.others.append(message)

    def _answer_server(self, message: dict) -> None:
        """What an editor answers: its settings, and yes to registrations."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [
                SETTINGS.get(item.get("section", ""), SETTINGS["yaml"])
                for item in message["params"]["items"]
            ]
        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def request(self, method: str, params: dict) -> Any:
        self._next_id += 1
        ident = self._next_id
        box = self._answers.setdefault(ident, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        try:
            answer = box.get(timeout=PATIENCE)
        except queue.Empty:
            raise AssertionError(f"no answer to {method} within {PATIENCE}s") from None
        if "error" in answer:
            raise AssertionError(f"{method}: {answer['error']}")
        return answer.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    # -- what a test asks -----------------------------------------------------------------

    def open(self, path: Path) -> list[dict]:
        """Open ``path`` as an editor does; the diagnostics the server publishes for it."""
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": path.read_text(encoding="utf-8"),
                }
            },
        )
        while True:
            try:
                params = self.diagnostics.get(timeout=PATIENCE)
            except queue.Empty:
                raise AssertionError(f"no diagnostics for {path} within {PATIENCE}s") from None
            if params["uri"] == uri:
                return params["diagnostics"]

    def hover(self, path: Path, line: int, character: int) -> Any:
        """The hover text at a 0-based position of an opened file."""
        return self.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
            },
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.request("shutdown", {})
            self.notify("exit", {})
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=30)  # it reads to the end of the server's output
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        self._log.close()


__all__ = ["Missing", "Server"]
