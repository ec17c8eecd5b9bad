"""What long-running stored jobs (national sweeps, allocation runs) share: cancel events per job in this process
and status changes that only happen from an expected status (so a cancel from another process is never
overwritten). Each job table has an integer ``id`` and a string ``status`` column."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker


class CancelEvents:
    """One :class:`threading.Event` per running job of this process, set when someone asks to cancel it."""

    def __init__(self) -> None:
        self._events: dict[int, threading.Event] = {}
        self._lock = threading.Lock()

    def event(self, job_id: int) -> threading.Event:
        with self._lock:
            return self._events.setdefault(job_id, threading.Event())

    def set(self, job_id: int) -> None:
        """Signal the job's runner in this process, if there is one (other processes see the status change)."""
        with self._lock:
            event = self._events.get(job_id)
        if event is not None:
            event.set()

    def forget(self, job_id: int) -> None:
        with self._lock:
            self._events.pop(job_id, None)


def set_status(
    factory: sessionmaker[Session], model: Any, job_id: int, status: str, *, van: Sequence[str], **values: Any
) -> bool:
    """``UPDATE <table> SET status=..., ... WHERE id=... AND status IN van`` in its own transaction; True when the
    row changed."""
    with factory() as s:
        result = s.execute(
            update(model).where(model.id == job_id, model.status.in_(list(van))).values(status=status, **values)
        )
        s.commit()
        return result.rowcount == 1


def final_status(factory: sessionmaker[Session], model: Any, job_id: int, default: str) -> str:
    """The job's status as stored now (``default`` when the row is gone)."""
    with factory() as s:
        return s.scalar(select(model.status).where(model.id == job_id)) or default


def cancel_if_running(session: Session, model: Any, job_id: int, running: Sequence[str], cancelled: str,
                      **values: Any) -> bool:  # fmt: skip
    """Mark the job ``cancelled`` when it is in one of the ``running`` statuses (in the caller's transaction);
    True when it was."""
    changed = session.execute(
        update(model).where(model.id == job_id, model.status.in_(list(running))).values(status=cancelled, **values)
    ).rowcount
    return changed == 1
