"""Built-in SMTP catcher (aiosmtpd): stores every message as a .eml file.

For one-machine use: point the engine at it and read what would have been sent. The
directory is created 0700 and every message file 0600.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from outreach.datadir import private_dir, tighten, write_private


class EmlHandler:
    def __init__(self, directory: str | Path) -> None:
        self.directory = private_dir(Path(directory))
        for old in self.directory.glob("*.eml"):  # caught before files were private
            tighten(old)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", "replace")
        rcpts = ",".join(envelope.rcpt_tos)
        header = f"X-Catcher-Rcpt-To: {rcpts}\r\nX-Catcher-Received: {time.time():.6f}\r\n"
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.directory / (name + ".tmp")
        write_private(tmp, header.encode() + content)  # 0600: mail holds personal data
        os.replace(tmp, self.directory / name)
        return "250 Message accepted for delivery"


def start_catcher(host: str, port: int, directory: str | Path, **kw: Any) -> Controller:
    controller = Controller(
        EmlHandler(directory),
        hostname=host,
        port=port,
        server_kwargs={"data_size_limit": 50 * 1024 * 1024},
        **kw,
    )
    controller.start()
    return controller


def serve(host: str, port: int, directory: str) -> int:
    controller = start_catcher(host, port, directory)
    print(f"SMTP catcher on {host}:{port}, messages in {directory}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()
    return 0
