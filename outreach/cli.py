"""`outreach` console script. Prints JSON on stdout when a command returns data; a clear
one-line error on stderr and a non-zero exit when it fails."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, NoReturn

from outreach.config import get_settings
from outreach.scopes import PLANS, parse_scopes


def _print(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2) + "\n")
    sys.stdout.flush()


def _fail(message: str, code: int = 1) -> int:
    # One line: database errors carry the statement and a link on further lines.
    first = (message.strip().splitlines() or ["failed"])[0]
    sys.stderr.write(f"outreach: error: {first}\n")
    sys.stderr.flush()
    return code


class _Parser(argparse.ArgumentParser):
    """Usage mistakes answer one line on stderr (exit 2), like every other failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"outreach: error: {self.prog.removeprefix('outreach ')}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="outreach", description="Self-hostable outreach engine")
    sub = p.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="run Temporal, SMTP catcher, worker and API together")
    dev.add_argument("--data-dir", default=None)
    dev.add_argument("--api-port", type=int, default=8000)
    dev.add_argument("--temporal-port", type=int, default=7233)
    dev.add_argument("--ui-port", type=int, default=8233)
    dev.add_argument("--smtp-port", type=int, default=1025)

    api = sub.add_parser("api", help="run the HTTP API (uvicorn)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.add_argument("--workers", type=int, default=1)

    sub.add_parser("worker", help="run the Temporal worker (same as python worker.py)")
    sub.add_parser("migrate", help="apply database migrations")

    catcher = sub.add_parser("smtp-catcher", help="run the built-in SMTP catcher")
    catcher.add_argument("--host", default="127.0.0.1")
    catcher.add_argument("--port", type=int, default=1025)
    catcher.add_argument("--dir", default=None, help="where .eml files go (data dir/mail)")

    sub.add_parser(
        "register-search-attributes", help="register the Temporal search attributes (idempotent)"
    )

    sub.add_parser(
        "classify", help="classify a reply (see `outreach classify --help`)", add_help=False
    )

    admin = sub.add_parser("admin", help="workspaces, API keys and encryption keys")
    asub = admin.add_subparsers(dest="admin_command", required=True)
    cw = asub.add_parser("create-workspace")
    cw.add_argument("--name", required=True)
    cw.add_argument("--plan", choices=PLANS, default="pro")
    ck = asub.add_parser("create-key")
    ck.add_argument("--workspace", required=True)
    ck.add_argument("--scopes", required=True, help="comma-separated, or * for all")
    ck.add_argument("--name", default=None)
    rk = asub.add_parser("revoke-key")
    rk.add_argument("key_id")
    asub.add_parser("recount-counters", help="rebuild the campaign counters from the rows")
    asub.add_parser(
        "generate-encryption-key",
        help="print a new key for OUTREACH_ENCRYPTION_KEY (nothing is stored)",
    )
    asub.add_parser(
        "rotate-encryption-key",
        help="re-encrypt every stored secret under the current (first) key",
    )

    sup = sub.add_parser("suppressions", help="the suppression list (through the API)")
    ssub = sup.add_subparsers(dest="suppressions_command", required=True)
    si = ssub.add_parser(
        "import",
        help="add addresses and domains from a file: one per line (an address, @domain or "
        "domain) or a CSV with an email column; uses OUTREACH_API_URL and OUTREACH_API_KEY",
    )
    si.add_argument("file")
    si.add_argument("--reason", default=None, help="free text stored with every entry")

    leads = sub.add_parser("leads", help="leads as CSV (through the API)")
    lsub = leads.add_subparsers(dest="leads_command", required=True)
    li = lsub.add_parser(
        "import",
        help="enrol a CSV's rows in a campaign through POST /leads/bulk; uses "
        "OUTREACH_API_URL and OUTREACH_API_KEY",
    )
    li.add_argument("file")
    li.add_argument("--campaign", required=True, help="camp_...")
    li.add_argument("--map", default=None, help='"Email Address=email,First=firstName,Notes=-"')
    li.add_argument("--delimiter", default=None, help="one character or tab (default: sniffed)")
    li.add_argument("--batch", type=int, default=1000, help="rows per call, 1..1000")
    li.add_argument("--errors", default=None, help="the refused rows (default FILE.refused.csv)")
    le = lsub.add_parser("export", help="write a campaign's leads as CSV (stdout without FILE)")
    le.add_argument("file", nargs="?", default=None)
    le.add_argument("--campaign", required=True, help="camp_...")
    le.add_argument("--status", default=None, help="only leads with this status")
    return p


def main(argv: list[str] | None = None) -> None:
    code = run(sys.argv[1:] if argv is None else argv)
    sys.stdout.flush()
    sys.stderr.flush()
    # The Temporal SDK can abort at interpreter exit (sdk-python #300); leave cleanly.
    os._exit(code)


def run(argv: list[str]) -> int:
    if argv and argv[0] == "classify":
        from outreach.classify.cli import run as classify_run

        return classify_run(argv[1:])
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one clear line, not a traceback
        from outreach.admin import AdminError
        from outreach.encryption.crypto import EncryptionError

        if isinstance(exc, AdminError | ValueError | EncryptionError):
            return _fail(str(exc))
        return _fail(f"{type(exc).__name__}: {exc}")


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "dev":
        from outreach.devserver import run_dev

        return run_dev(args)
    if args.command == "suppressions":
        from pathlib import Path

        from outreach.suppressions.importer import ImportError_, run_import

        try:
            _print(run_import(Path(args.file), reason=args.reason).as_json())
        except ImportError_ as exc:
            return _fail(str(exc))
        return 0
    if args.command == "leads":
        return _leads(args)
    settings = get_settings()
    if args.command == "migrate":
        from outreach.migrate import upgrade

        upgrade(settings)
        _print({"migrated": True, "database": _redact(settings.db_url)})
        return 0
    if args.command == "api":
        import uvicorn

        from outreach.encryption.stored import verify
        from outreach.logs import setup_logging

        setup_logging()
        verify(settings)  # a wrong or missing key: one line, before uvicorn starts
        uvicorn.run(
            "api.main:app_factory",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=False,
            log_config=None,
        )
        return 0
    if args.command == "worker":
        from worker import run_worker

        return run_worker(settings)
    if args.command == "smtp-catcher":
        from outreach.smtp_catcher import serve

        directory = args.dir or str(settings.data_dir / "mail")
        return serve(args.host, args.port, directory)
    if args.command == "register-search-attributes":
        import asyncio

        from outreach.temporal import connect, register_search_attributes

        async def _reg() -> list[str]:
            client = await connect(settings, attempts=30)
            return await register_search_attributes(client, settings.temporal_namespace)

        _print({"created": asyncio.run(_reg())})
        return 0
    if args.command == "admin":
        from outreach import admin

        if args.admin_command == "create-workspace":
            _print(admin.create_workspace(settings, args.name, args.plan))
        elif args.admin_command == "create-key":
            _print(admin.create_key(settings, args.workspace, parse_scopes(args.scopes), args.name))
        elif args.admin_command == "revoke-key":
            _print(admin.revoke_key(settings, args.key_id))
        elif args.admin_command == "recount-counters":
            _print(admin.recount_counters(settings))
        elif args.admin_command == "generate-encryption-key":
            _print(admin.generate_encryption_key())
        elif args.admin_command == "rotate-encryption-key":
            _print(admin.rotate_encryption_key(settings))
        return 0
    return _fail(f"unknown command {args.command}")


def _leads(args: argparse.Namespace) -> int:
    from pathlib import Path

    from outreach.leads import csvio

    try:
        if args.leads_command == "import":
            summary = csvio.run_import(
                Path(args.file),
                campaign_id=args.campaign,
                mapping=args.map,
                delimiter=args.delimiter,
                batch_size=args.batch,
                errors=Path(args.errors) if args.errors else None,
            )
            _print(summary.as_json())
        else:
            done = csvio.export_to(args.file, campaign_id=args.campaign, status=args.status)
            if args.file in (None, "-"):  # stdout holds the CSV
                sys.stderr.write(f"outreach: exported {done['leads']} leads\n")
            else:
                _print(done)
    except csvio.CsvError as exc:
        if exc.summary is not None:
            _print(exc.summary)
        return _fail(str(exc))
    return 0


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


if __name__ == "__main__":
    main()
