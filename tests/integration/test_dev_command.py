"""`outreach dev`: the one-machine setup a new user runs first."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _read_until(proc: subprocess.Popen, pattern: str, limit: float) -> str:
    """Output of `proc` up to the first line matching `pattern`."""
    seen = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        if re.search(pattern, line):
            return "".join(seen)
    raise AssertionError("output so far:\n" + "".join(seen))


def _child(parent: int, *words: str) -> int:
    """The pid of `parent`'s child whose command line holds `words`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and all(w.encode() in cmdline for w in words):
            return int(entry.name)
    raise AssertionError(f"no child of {parent} runs {words}")


def _wait_for_line(path: Path, pattern: str, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not re.search(pattern, path.read_text()):
        assert time.monotonic() < deadline, path.read_text()
        time.sleep(0.1)


def test_dev_starts_everything_seeds_a_demo_and_stops_on_ctrl_c(tmp_path):
    ports = {"api": free_port(), "temporal": free_port(), "ui": free_port(), "smtp": free_port()}
    err_path = tmp_path / "dev.err"
    errors = err_path.open("w")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTREACH_", "TEMPORAL_"))}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "outreach.cli",
            "dev",
            "--data-dir",
            str(tmp_path / "data"),
            "--api-port",
            str(ports["api"]),
            "--temporal-port",
            str(ports["temporal"]),
            "--ui-port",
            str(ports["ui"]),
            "--smtp-port",
            str(ports["smtp"]),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        start_new_session=True,
    )
    try:
        out = _read_until(proc, r"Ctrl-C stops everything", 120)
        key = re.search(r"(pms_live_[A-Za-z0-9_-]+)", out).group(1)
        assert f"http://localhost:{ports['ui']}" in out
        base = f"http://127.0.0.1:{ports['api']}"
        deadline = time.monotonic() + 60
        while True:  # the API process may still be binding its port
            try:
                me = httpx.get(
                    f"{base}/api/v1/outreach/me",
                    headers={"Authorization": f"Bearer {key}"},
                    timeout=5,
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert me.status_code == 200
        body = me.json()
        assert set(body) == {"workspace", "key"}
        assert set(body["workspace"]) == {"id", "name", "createdAt"}
        assert (
            body["key"]["prefix"].startswith("pms_live_") and "leads:write" in body["key"]["scopes"]
        )
        assert httpx.get(f"http://127.0.0.1:{ports['ui']}/", timeout=10).status_code == 200

        # The seed's POST /leads with the demo campaign: step 1 lands in the built-in
        # SMTP catcher's directory as a .eml file.
        auth = {"Authorization": f"Bearer {key}"}
        (campaign,) = httpx.get(f"{base}/api/v1/outreach/campaigns", headers=auth).json()["data"]
        lead = httpx.post(
            f"{base}/api/v1/outreach/leads",
            headers=auth,
            json={
                "campaignId": campaign["id"],
                "email": "founder@example.com",
                "firstName": "Sam",
                "lastName": "Altman",
                "company": "Example Inc",
                "role": "Founder",
                "linkedinUrl": "https://linkedin.com/in/sam",
            },
        )
        assert lead.status_code == 201, lead.text
        mail_dir = tmp_path / "data" / "mail"
        deadline = time.monotonic() + 30
        while not list(mail_dir.glob("*.eml")):
            assert time.monotonic() < deadline, "no email reached the catcher"
            time.sleep(0.1)
        (eml,) = mail_dir.glob("*.eml")
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert message["To"] == "Sam Altman <founder@example.com>"
        assert message["Subject"] == "Quick question about Example Inc"

        # A crashed API and worker are started again; the rest keeps running.
        os.kill(_child(proc.pid, "api"), signal.SIGKILL)
        os.kill(_child(proc.pid, "worker"), signal.SIGKILL)
        _wait_for_line(err_path, r"api exited with code -9 .*restarting in 1 s", 10)
        _wait_for_line(err_path, r"worker exited with code -9 .*restarting in 1 s", 10)
        _wait_for_line(err_path, r"api restarted \(pid \d+\)", 10)
        _wait_for_line(err_path, r"worker restarted \(pid \d+\)", 10)
        deadline = time.monotonic() + 60
        while True:
            try:
                second = httpx.post(
                    f"{base}/api/v1/outreach/leads",
                    headers=auth,
                    json={"campaignId": campaign["id"], "email": "second@example.com"},
                    timeout=10,
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert second.status_code == 201, second.text
        deadline = time.monotonic() + 60
        while len(list(mail_dir.glob("*.eml"))) < 2:  # the new worker sent it
            assert time.monotonic() < deadline, "the restarted worker sent nothing"
            time.sleep(0.2)
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        finally:
            errors.close()
    assert code == 0
    for port in ports.values():  # every child is gone: the ports are free again
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))


def test_dev_says_which_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "outreach.cli",
                "dev",
                "--data-dir",
                str(tmp_path),
                "--api-port",
                str(port),
                "--temporal-port",
                str(free_port()),
                "--ui-port",
                str(free_port()),
                "--smtp-port",
                str(free_port()),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"port {port} (API) is already in use" in result.stderr
    assert "--api-port" in result.stderr
