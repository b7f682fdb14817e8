"""One draft at a time per consumer (docs/decisions.md, D12).

A run drafts into release_staging/<consumer>/<run id>/; its checks and its delivery read the
draft there. The run claims that folder before it opens the warehouse, under the ledger's lock,
and holds an OS lock on its `draft.lock` until it delivers or its process ends: a run's steps
all run in its one process (the in-process executor). While another process holds the lock of
a draft there, the claim is refused, and the run fails with one line having drawn and charged
nothing; the other delivers intact. A draft nobody holds was left by a run that is over (failed,
killed): never delivered, it is stale, and the claim removes it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

from runtime import paths
from runtime.engine.scratch import lock_held
from runtime.releases.ledger import Ledger

LOCK = "draft.lock"
_held: dict[Path, int] = {}  # draft folder -> descriptor holding its lock, in this process


class DraftInProgressError(RuntimeError):
    """Another live run holds this consumer's draft."""


def held_elsewhere(draft: Path) -> bool:
    """Whether another live process holds the lock of `draft`. A draft this process holds is
    an earlier run's: a process runs one run at a time, so that run is over."""
    return draft not in _held and lock_held(draft / LOCK)


def _remove(entry: Path) -> None:
    let_go(entry)
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


def claim(ledger: Ledger, staging: Path) -> None:
    """Make `staging` (release_staging/<consumer>/<run id>) this run's empty draft folder, the
    only one of its consumer, locked by this process. Raises DraftInProgressError, changing
    nothing, when another live run holds a draft of the consumer."""
    consumer = staging.parent
    with ledger.open():  # the lock every drafting and delivering run takes
        for folder in (consumer.parent, consumer):
            paths.private_dir(folder)
        others = [p for p in consumer.iterdir() if p.name != staging.name]
        live = [p.name for p in others if held_elsewhere(p)]
        if live:
            raise DraftInProgressError(
                f"release for {consumer.name} not drafted: run {live[0]} is drafting one and a "
                "consumer has one draft at a time; nothing was drawn or charged. Run again "
                "when that run has finished"
            )
        for entry in [*others, staging]:
            _remove(entry)
        paths.private_dir(staging)
        fd = os.open(staging / LOCK, os.O_RDWR | os.O_CREAT, paths.PRIVATE_FILE)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh file: nobody else has it
        _held[staging] = fd


def let_go(staging: Path) -> None:
    """Release this process's lock on `staging` (delivered, or about to be removed)."""
    fd = _held.pop(staging, None)
    if fd is not None:
        os.close(fd)
