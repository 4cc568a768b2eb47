"""Work in a forked child process while this one goes on (2 cores: the parse, and the heaviest rules).

A forked child sees this process's memory as it was (a loaded register costs
nothing to share) and sends back only its result. If the child dies, the
work is done here instead: slower, never wrong.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from typing import Any


def can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


class Forked:
    """``fn(*args)`` running in a forked child; :meth:`result` waits for its value."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._fn, self._args = fn, args
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(sender, fn, args), daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> Any:
        try:
            value = self._receiver.recv()
        except EOFError:  # the child died: do its work here
            value = self._fn(*self._args)
        self._process.join()
        return value


def _child(sender, fn: Callable[..., Any], args: tuple) -> None:
    gc.disable()  # short-lived: collection only costs
    sender.send(fn(*args))
    sender.close()
