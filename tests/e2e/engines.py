"""Start real web servers on 127.0.0.1 serving a built site with its generated rules.

Each ``start_*`` returns a running ``Engine`` (stopped by ``stop()``), or raises
``Missing`` when the program is not installed. Every engine gets its own work folder,
listens on a free loopback port, and needs no network.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


class Missing(Exception):
    """The engine is not installed here."""


@dataclass
class Engine:
    name: str  # the host module it stands for
    version: str
    base: str  # http://127.0.0.1:PORT
    proc: subprocess.Popen
    log: Path
    extra: list[subprocess.Popen] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the server and everything it started: each engine runs in its own process
        group (the swa CLI, wrangler and netlify-cli start children that outlive a plain
        terminate of their parent)."""
        for p in [self.proc, *self.extra]:
            _signal_group(p, signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(p, signal.SIGKILL)
                p.wait()
            _signal_group(p, signal.SIGKILL)  # children that ignored SIGTERM


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(
        f"server did not listen on {port} within {timeout}s:\n{log.read_text()[-3000:]}"
    )


def _which(name: str, *extra: str) -> str:
    for candidate in (name, *extra):
        path = shutil.which(candidate)
        if path:
            return path
    raise Missing(name)


def _run(
    cmd: list[str], work: Path, port: int, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, Path]:
    log = work / "server.log"
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            cmd,
            cwd=work,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env or os.environ.copy(),
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() ends its children too
        )
    wait_for_port(port, proc, log)
    return proc, log


def start_nginx(site: Path, work: Path) -> Engine:
    nginx = _which("nginx", "/usr/sbin/nginx")
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
    port = free_port()
    for d in ("tmp", "logs"):
        (work / d).mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    charset utf-8;
    access_log off;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/shortlinks.nginx.conf;
    }}
}}
"""
    )
    proc, log = _run(
        [nginx, "-p", str(work), "-c", str(conf), "-e", str(work / "logs/error.log")], work, port
    )
    return Engine("nginx", version.split("/")[-1], f"http://127.0.0.1:{port}", proc, log)


APACHE_MODULES = ("mpm_event", "authz_core", "rewrite", "mime", "dir", "alias", "headers")


def start_apache(site: Path, work: Path) -> Engine:
    apache = _which("apache2", "/usr/sbin/apache2", "httpd")
    version = subprocess.run([apache, "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    modules = Path("/usr/lib/apache2/modules")
    port = free_port()
    loads = "\n".join(f"LoadModule {m}_module {modules}/mod_{m}.so" for m in APACHE_MODULES)
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    conf = work / "httpd.conf"
    conf.write_text(
        f"""ServerRoot {work}
{loads}
{user}ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {work}/httpd.pid
DefaultRuntimeDir {work}
Mutex file:{work} default
ErrorLog {work}/error.log
LogLevel warn
TypesConfig /etc/mime.types
AddDefaultCharset utf-8
DocumentRoot "{site}"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{site}">
    # what docs/hosts.md asks for, no more
    AllowOverride FileInfo Options=Indexes,MultiViews
    Require all granted
</Directory>
"""
    )
    proc, log = _run([apache, "-f", str(conf), "-DFOREGROUND"], work, port)
    return Engine(
        "apache",
        version.split(":", 1)[-1].strip().replace("/", " ", 1),
        f"http://127.0.0.1:{port}",
        proc,
        log,
    )


def start_caddy(site: Path, work: Path) -> Engine:
    caddy = _which("caddy")
    version = subprocess.run([caddy, "version"], capture_output=True, text=True).stdout.strip()
    port = free_port()
    conf = work / "Caddyfile"
    conf.write_text(
        f"""{{
    admin off
    auto_https off
}}
http://127.0.0.1:{port} {{
    bind 127.0.0.1
    root * {site}
    import {site}/shortlinks.caddy
}}
"""
    )
    env = os.environ.copy()
    env.update(
        XDG_DATA_HOME=str(work / "data"), XDG_CONFIG_HOME=str(work / "config"), HOME=str(work)
    )
    proc, log = _run(
        [caddy, "run", "--config", str(conf), "--adapter", "caddyfile"], work, port, env
    )
    return Engine("caddy", version.split()[0], f"http://127.0.0.1:{port}", proc, log)


NPM = Path(__file__).resolve().parent / "npm" / "node_modules"


def _npm_package(name: str, entry: str) -> tuple[str, str]:
    """The node binary to run an npm package installed by the test set-up in tests/e2e/npm
    (pinned in its package-lock.json), and the package's version."""
    # Node 22 from the npm package 'node' (pinned in the same lock file): Debian 12's
    # own nodejs is 18, older than wrangler, superstatic and netlify-cli accept.
    node22 = NPM / "node" / "bin" / "node"
    node = str(node22) if node22.is_file() else _which("node")
    package = NPM / name
    if not (package / entry).is_file():
        raise Missing(f"npm package {name}")
    import json

    version = json.loads((package / "package.json").read_text())["version"]
    return node, version


def _quiet_env(work: Path) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        HOME=str(work),  # CLIs write their settings and telemetry ids under $HOME
        XDG_CONFIG_HOME=str(work / "config"),
        NO_UPDATE_NOTIFIER="1",
        DO_NOT_TRACK="1",
        CI="true",
    )
    return env


def start_superstatic(site: Path, work: Path) -> Engine:
    """Firebase Hosting's own local server, reading firebase.json from the site."""
    entry = "lib/bin/server.js"
    node, version = _npm_package("superstatic", entry)
    port = free_port()
    cmd = [node, str(NPM / "superstatic" / entry), ".", "--port", str(port), "--host", "127.0.0.1"]
    proc, log = _run_in(cmd, site, work, port, _quiet_env(work))
    return Engine("firebase", f"superstatic {version}", f"http://127.0.0.1:{port}", proc, log)


def start_swa(site: Path, work: Path) -> Engine:
    """The Azure Static Web Apps CLI's emulator, reading staticwebapp.config.json."""
    entry = "dist/cli/bin.js"
    node, version = _npm_package("@azure/static-web-apps-cli", entry)
    port = free_port()
    cmd = [
        node,
        str(NPM / "@azure/static-web-apps-cli" / entry),
        "start",
        str(site),
        "--swa-config-location",
        str(site),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    proc, log = _run(cmd, work, port, _quiet_env(work))
    return Engine("azure", f"swa CLI {version}", f"http://127.0.0.1:{port}", proc, log)


def start_wrangler(site: Path, work: Path) -> Engine:
    """Cloudflare's own local server for Pages (workerd), reading _redirects and _headers.

    wrangler 4.86.0 is the last release that runs on Node 20; each run gets its own
    working folder (shared .wrangler state has crashed workerd)."""
    entry = "bin/wrangler.js"
    node, version = _npm_package("wrangler", entry)
    port, inspector = free_port(), free_port()
    env = _quiet_env(work)
    env["WRANGLER_SEND_METRICS"] = "false"
    cmd = [
        node,
        str(NPM / "wrangler" / entry),
        "pages",
        "dev",
        str(site),
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--inspector-port",
        str(inspector),
        "--compatibility-date",
        "2025-01-01",
    ]
    proc, log = _run(cmd, work, port, env)
    return Engine("cloudflare", f"wrangler {version}", f"http://127.0.0.1:{port}", proc, log)


def start_netlify(site: Path, work: Path) -> Engine:
    """The Netlify CLI's local server (``netlify serve``), reading _redirects and _headers.

    netlify-cli needs Node 22, which the npm package ``node`` (pinned beside it)
    provides. ``--offline`` and the hidden ``--internal-disable-edge-functions`` keep it
    off the network; CI=true turns telemetry and update checks off. It writes
    ``.netlify/`` and a ``.gitignore`` line into its working folder, so it runs in
    ``work`` with the site linked in. Its main port listens on all interfaces."""
    entry = "bin/run.js"
    node22, version = _npm_package("netlify-cli", entry)
    if not node22.startswith(str(NPM)):
        raise Missing("npm package node (Node 22 for netlify-cli)")
    port, static = free_port(), free_port()
    (work / "site").symlink_to(site)
    (work / "netlify.toml").write_text('[build]\npublish = "site"\n[dev]\nautoLaunch = false\n')
    env = _quiet_env(work)
    env.update(BROWSER="none", NETLIFY_SITE_ID="", NODE_OPTIONS="")
    cmd = [
        node22,
        str(NPM / "netlify-cli" / entry),
        "serve",
        "--offline",
        "--internal-disable-edge-functions",
        "--port",
        str(port),
        "--staticServerPort",
        str(static),
    ]
    proc, log = _run(cmd, work, port, env)
    return Engine("netlify", f"netlify-cli {version}", f"http://127.0.0.1:{port}", proc, log)


def _run_in(
    cmd: list[str], cwd: Path, work: Path, port: int, env: dict[str, str]
) -> tuple[subprocess.Popen, Path]:
    log = work / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    wait_for_port(port, proc, log)
    return proc, log


STARTERS = {
    "nginx": start_nginx,
    "apache": start_apache,
    "caddy": start_caddy,
    "firebase": start_superstatic,
    "azure": start_swa,
    "cloudflare": start_wrangler,
    "netlify": start_netlify,
}
