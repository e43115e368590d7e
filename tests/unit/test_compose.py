"""docker-compose.yml and the Dockerfile, checked without Docker (it cannot run here):
every service's image is pinned and its command exists, every variable set on the engine
is one the configuration reads, secrets come only from `.env`, the one-shot jobs run in the
right order, and the Temporal setup scripts create the schema and the search attributes
the code uses."""

from __future__ import annotations

import base64
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices

from outreach import search_attributes
from outreach.cli import _parser
from outreach.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
ENGINE = ("migrate", "api", "worker")
ONE_SHOTS = ("temporal-schema", "temporal-namespace", "migrate")
_VAR = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def example_env() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`."""

    def one(m: re.Match[str]) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        value = env.get(name, "")
        if op and op.endswith("?") and not value:
            raise LookupError(f"{name} is required: {arg}")
        if op and op.endswith("-") and not value:
            return arg
        return value

    return _VAR.sub(one, text)


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def config_env_names() -> set[str]:
    """Every variable the engine reads: the Settings fields (OUTREACH_<FIELD> or their
    alias), plus names the code reads from os.environ directly."""
    names = set()
    prefix = Settings.model_config.get("env_prefix", "")
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names |= {str(choice).upper() for choice in alias.choices}
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(f"{prefix}{name}".upper())
    for folder in ("outreach", "api", "activities", "workflows"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"[\"'](OUTREACH_[A-Z0-9_]+)[\"']", path.read_text()))
    return names


def test_every_service_is_there() -> None:
    assert set(SERVICES) == {
        "postgresql",
        "temporal-schema",
        "temporal",
        "temporal-namespace",
        "temporal-ui",
        "migrate",
        "api",
        "worker",
    }
    assert "auto-setup" not in (ROOT / "docker-compose.yml").read_text()  # deprecated image


@pytest.mark.parametrize("name", [n for n in SERVICES if n not in ENGINE])
def test_third_party_images_are_pinned(name: str) -> None:
    image = interpolate(SERVICES[name]["image"], {})
    repo, _, tag = image.partition(":")
    allowed = {"postgres", "temporalio/admin-tools", "temporalio/server", "temporalio/ui"}
    assert repo in allowed, image
    assert re.fullmatch(r"\d+(\.\d+)*", tag), f"{name}: pin a version, not {tag!r}"
    # The default version is the one .env.example documents.
    var = _VAR.search(SERVICES[name]["image"]).group(1)
    assert example_env()[var] == tag


def test_the_engine_image_is_built_from_the_dockerfile() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    lines = [
        ln.strip()
        for ln in dockerfile.splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    assert lines[0] == "FROM python:3.11-slim"
    user = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert user and user[-1] not in ("root", "0")
    assert lines.index(f"USER {user[-1]}") < next(
        i for i, ln in enumerate(lines) if ln.startswith("ENTRYPOINT")
    )
    assert 'ENTRYPOINT ["outreach"]' in lines
    assert re.search(r"pip install (--no-deps )?\.(\s|$)", dockerfile)
    for ln in lines:
        if ln.startswith("COPY "):
            for source in shlex.split(ln)[1:-1]:
                assert source == "." or (ROOT / source).exists(), source
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["outreach"] == "outreach.cli:main"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".data", ".env"} <= set(ignored)
    for name in ENGINE:
        assert SERVICES[name]["build"] == "."


@pytest.mark.parametrize("name", ENGINE)
def test_engine_commands_are_commands_of_the_cli(name: str) -> None:
    command = SERVICES[name]["command"]
    args = _parser().parse_args(command)  # exits (fails the test) on an unknown command
    assert args.command == name
    if name == "api":
        assert args.host == "0.0.0.0" and args.port == 8000
        ports = [interpolate(p, {}) for p in SERVICES["api"]["ports"]]
        assert ports == ["8000:8000"]


@pytest.mark.parametrize("name", ENGINE)
def test_engine_env_vars_are_ones_the_config_reads(name: str) -> None:
    env = environment(SERVICES[name])
    unknown = set(env) - config_env_names()
    assert not unknown, f"{name} sets variables nothing reads: {sorted(unknown)}"
    assert {
        "OUTREACH_DATABASE_URL",
        "TEMPORAL_ADDRESS",
        "TEMPORAL_NAMESPACE",
        "OUTREACH_SECRET_KEY",
        "OUTREACH_ENCRYPTION_KEY",
        "OUTREACH_PUBLIC_URL",
    } <= set(env)


@pytest.mark.parametrize("name", ENGINE)
def test_engine_env_makes_valid_settings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    values = example_env() | {
        "POSTGRES_PASSWORD": "pw0123",
        "OUTREACH_SECRET_KEY": "s" * 40,
        "OUTREACH_ENCRYPTION_KEY": base64.b64encode(b"k" * 32).decode(),
        "OUTREACH_SMTP_HOST": "smtp.example.com",
    }
    for key in list(os.environ):
        if key.startswith(("OUTREACH_", "TEMPORAL_")):
            monkeypatch.delenv(key)
    for key, value in environment(SERVICES[name]).items():
        monkeypatch.setenv(key, interpolate(value, values))
    settings = Settings()
    assert settings.db_url == "postgresql+psycopg://outreach:pw0123@postgresql:5432/outreach"
    assert settings.temporal_address == "temporal:7233"
    assert settings.temporal_namespace == example_env()["TEMPORAL_NAMESPACE"]
    assert settings.signing_key() == b"s" * 40
    assert settings.keyring().current.material == b"k" * 32
    if name == "worker":
        assert (settings.smtp_host, settings.smtp_port, settings.smtp_tls) == (
            "smtp.example.com",
            587,
            "starttls",
        )


def test_the_namespace_is_the_same_everywhere() -> None:
    namespaces = {
        name: interpolate(environment(SERVICES[name])[var], {})
        for name, var in [
            ("api", "TEMPORAL_NAMESPACE"),
            ("worker", "TEMPORAL_NAMESPACE"),
            ("temporal-namespace", "TEMPORAL_NAMESPACE"),
            ("temporal-ui", "TEMPORAL_DEFAULT_NAMESPACE"),
        ]
    }
    assert len(set(namespaces.values())) == 1, namespaces


def test_secrets_come_from_env_and_are_required() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for name, service in SERVICES.items():
        for key, value in environment(service).items():
            if re.search(r"PASSWORD|PWD|SECRET|API_KEY|DATABASE_URL", key):
                assert "${" in value, f"{name}.{key} is hard-coded"
                secret = [
                    m
                    for m in _VAR.finditer(value)
                    if "PASSWORD" in m.group(1) or "SECRET" in m.group(1) or "API_KEY" in m.group(1)
                ]
                assert secret, f"{name}.{key} takes no secret from .env"
                for m in secret:  # no default secret to fall back on
                    assert m.group(2) == ":?" or (m.group(2) == ":-" and not m.group(3)), (
                        f"{name}.{key}: {m.group(0)}"
                    )
    required = {m.group(1) for m in _VAR.finditer(text) if m.group(2) == ":?"}
    assert {"POSTGRES_PASSWORD", "OUTREACH_SECRET_KEY", "OUTREACH_ENCRYPTION_KEY"} <= required
    documented = example_env()
    used = {m.group(1) for m in _VAR.finditer(text)}
    assert used <= set(documented), f"undocumented in .env.example: {used - set(documented)}"
    for name in required:
        with pytest.raises(LookupError):
            interpolate(
                text,
                {k: v for k, v in documented.items() if k != name}
                | {r: "x" for r in required if r != name},
            )
    assert not (ROOT / ".env").exists() or ".env" in (ROOT / ".gitignore").read_text()


def test_start_order() -> None:
    def needs(name: str) -> dict[str, str]:
        return {k: v["condition"] for k, v in SERVICES[name].get("depends_on", {}).items()}

    assert needs("temporal-schema") == {"postgresql": "service_healthy"}
    assert needs("temporal") == {"temporal-schema": "service_completed_successfully"}
    assert needs("temporal-namespace") == {"temporal": "service_healthy"}
    assert needs("migrate") == {"postgresql": "service_healthy"}
    for name in ("api", "worker"):
        assert needs(name) == {
            "migrate": "service_completed_successfully",
            "temporal-namespace": "service_completed_successfully",
        }
    for name, service in SERVICES.items():
        for dep, condition in needs(name).items():
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[dep], dep
            if condition == "service_completed_successfully":
                assert dep in ONE_SHOTS
        if name in ONE_SHOTS:
            assert not str(service.get("restart", "no")).startswith(("always", "unless"))
    declared = set(COMPOSE.get("volumes") or {})
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"
            else:
                assert source in declared, f"{name}: volume {source} is not declared"


def _script(name: str) -> Path:
    command = SERVICES[name]["command"]
    path = command[-1] if isinstance(command, list) else command.split()[-1]
    mounted = {v.split(":")[1]: v.split(":")[0] for v in SERVICES[name]["volumes"]}
    for target, source in mounted.items():
        if path.startswith(target + "/"):
            return ROOT / source / path[len(target) + 1 :]
    raise AssertionError(f"{name}: {path} is not mounted from the repository")


@pytest.mark.parametrize("name", ["temporal-schema", "temporal-namespace"])
def test_setup_scripts_exist_parse_and_get_their_variables(name: str) -> None:
    script = _script(name)
    text = script.read_text()
    assert text.startswith("#!/bin/sh\n") and "set -eu" in text
    assert SERVICES[name]["entrypoint"] == ["/bin/sh"]
    sh = shutil.which("sh")
    assert sh
    assert subprocess.run([sh, "-n", str(script)], capture_output=True).returncode == 0
    assigned = set(re.findall(r"^\s*(\w+)=", text, re.M)) | set(re.findall(r"\bfor (\w+) in", text))
    with_default = set(re.findall(r"\$\{(\w+):-", text))
    used = set(re.findall(r"\$\{?(\w+)", text)) - {"$"}
    env = environment(SERVICES[name])
    missing = {v for v in used - assigned - with_default if not v.isdigit()} - set(env)
    assert not missing, f"{script.name} reads {missing}, which {name} does not set"


def test_schema_job_sets_up_both_databases_the_server_uses() -> None:
    text = _script("temporal-schema").read_text()
    env = environment(SERVICES["temporal-schema"])
    server = environment(SERVICES["temporal"])
    assert server["DB"] == "postgres12" and "--plugin postgres12" in text
    for key in ("DBNAME", "VISIBILITY_DBNAME", "POSTGRES_SEEDS", "DB_PORT", "POSTGRES_USER"):
        assert env[key] == server[key], key
    assert env["SQL_PASSWORD"] == server["POSTGRES_PWD"]
    assert "setup-schema -v 0.0" in text and "update-schema -d" in text
    assert "/etc/temporal/schema/postgresql/v12" in text
    assert '"$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"' in text
    assert "${SCHEMA_DIR}/${kind}/versioned" in text
    config = server["DYNAMIC_CONFIG_FILE_PATH"]
    mounted = SERVICES["temporal"]["volumes"][0].split(":")[0]
    assert (ROOT / mounted / Path(config).name).exists()
    yaml.safe_load((ROOT / mounted / Path(config).name).read_text())


def test_namespace_job_registers_the_search_attributes_the_code_uses() -> None:
    text = _script("temporal-namespace").read_text()
    registered = dict(re.findall(r"^\s*(Outreach\w+):(\w+)", text, re.M))
    expected = {
        key.name: {"KEYWORD": "Keyword", "INT": "Int"}[key.indexed_value_type.name.split("_")[-1]]
        for key in search_attributes.ALL
    }
    assert registered == expected
    assert "temporal operator namespace create" in text
    assert "temporal operator search-attribute create" in text


def _probe(name: str) -> tuple[str, list[str]]:
    """The URL a service's healthcheck asks, and the command that asks it."""
    test = SERVICES[name]["healthcheck"]["test"]
    assert test[0] == "CMD", name
    (url,) = re.findall(r"http://[^'\"]+", " ".join(test))
    return url, test[1:]


def test_api_healthcheck_asks_readiness_on_the_port_the_api_listens_on() -> None:
    from api.main import create_app

    url, _ = _probe("api")
    command = SERVICES["api"]["command"]
    port = command[command.index("--port") + 1]
    assert url == f"http://127.0.0.1:{port}/readyz"
    paths = {getattr(route, "path", None) for route in create_app(Settings()).routes}
    assert {"/readyz", "/healthz", "/metrics"} <= paths


def test_worker_healthcheck_asks_its_health_port_and_fails_until_it_is_running() -> None:
    """The worker's probe is run as compose runs it, against the real health server: it
    fails while the worker is connecting and once a worker stopped, and passes between."""
    import asyncio

    from outreach.opsserver import OpsServer

    url, command = _probe("worker")
    env = environment(SERVICES["worker"])
    assert url == f"http://127.0.0.1:{env['OUTREACH_METRICS_PORT']}/healthz"
    assert env["OUTREACH_METRICS_HOST"] == "0.0.0.0"  # reachable by Prometheus too

    class Worker:
        task_queue = "outreach"
        is_running = True

    async def probe_results() -> list[int]:
        workers: list[Worker] = []
        ops = OpsServer("127.0.0.1", 0, lambda: workers)
        await ops.start()
        ours = [part.replace(url, f"http://127.0.0.1:{ops.bound_port}/healthz") for part in command]
        results = []
        try:
            for state in ("starting", "running", "stopped"):
                if state == "running":
                    workers.append(Worker())
                if state == "stopped":
                    workers[0].is_running = False
                ours[0] = sys.executable
                proc = await asyncio.create_subprocess_exec(*ours)
                results.append(await proc.wait())
        finally:
            await ops.close()
        return results

    starting, running, stopped = asyncio.run(probe_results())
    assert running == 0 and starting != 0 and stopped != 0
