"""`outreach dev`'s supervisor: a child that dies is started again after a pause that
doubles with each quick death, and says so; a child that ran a while starts from the
shortest pause again; stop ends them all."""

from __future__ import annotations

import os
import signal
import sys
import time

from outreach.devserver import RESTART_HEALTHY_AFTER, Supervisor, restart_delay

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_the_pause_doubles_up_to_thirty_seconds() -> None:
    assert [restart_delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def _kill(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_dead_child_is_started_again_with_backoff_and_said_so() -> None:
    said: list[str] = []
    sup = Supervisor(say=said.append)
    sup.start("worker", SLEEPER, dict(os.environ))
    (child,) = sup.children
    try:
        first = child.proc
        t0 = time.monotonic()
        sup.tend(t0)
        assert said == []  # alive: nothing to do

        _kill(first)
        sup.tend(t0 + 0.1)
        assert said[-1].startswith("worker exited with code -9") and "restarting in 1 s" in said[-1]
        sup.tend(t0 + 0.5)
        assert child.proc is first  # still pausing
        sup.tend(t0 + 1.2)
        assert child.proc is not first and child.proc.poll() is None
        assert said[-1] == f"worker restarted (pid {child.proc.pid})"

        _kill(child.proc)  # dies again at once: a longer pause
        sup.tend(t0 + 1.3)
        assert "restarting in 2 s" in said[-1]
        sup.tend(t0 + 3.4)
        assert said[-1].startswith("worker restarted")

        child.started_at -= RESTART_HEALTHY_AFTER  # it ran a while this time
        _kill(child.proc)
        sup.tend(t0 + 3.5)
        assert "restarting in 1 s" in said[-1]
    finally:
        sup.stop()


def test_stop_ends_every_child_and_restarts_nothing_after() -> None:
    said: list[str] = []
    sup = Supervisor(say=said.append)
    sup.start("api", SLEEPER, dict(os.environ))
    sup.start("smtp", SLEEPER, dict(os.environ))
    sup.stop()
    assert all(c.proc.poll() is not None for c in sup.children)
    sup.tend(time.monotonic() + 60)
    assert said == []  # stopping: the dead stay dead
