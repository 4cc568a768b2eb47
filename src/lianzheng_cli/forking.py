"""Work in a forked child process while this one goes on (2 cores: the parse, and the heaviest rules).

A forked child sees this process's memory as it was (a loaded register costs
nothing to share) and sends back only its result. If the child dies, the
work is done here instead: slower, never wrong.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO


def can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


class Forked:
    """``fn(*args)`` running in a forked child; :meth:`result` waits for its value."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._fn, self._args = fn, args
        self._receiver, self._process = _start(_child, fn, args)

    def ready(self) -> bool:
        """Whether :meth:`result` would not wait (the value has come, or the child has ended)."""
        return self._receiver.poll()

    def result(self) -> Any:
        try:
            value = self._receiver.recv()
        except EOFError:  # the child died: do its work here
            value = self._fn(*self._args)
        self._process.join()
        return value


def _start(target: Callable[..., None], *args: Any) -> tuple[Any, Any]:
    """A forked child running ``target(sender, *args)``; this process keeps the receiving end of the pipe."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(sender, *args), daemon=True)
    process.start()
    sender.close()
    return receiver, process


def _child(sender, fn: Callable[..., Any], args: tuple) -> None:
    gc.disable()  # short-lived: collection only costs
    with _quietly():
        sender.send(fn(*args))
        sender.close()


@contextmanager
def _quietly() -> Iterator[None]:
    """A child that fails ends without a word (no traceback for the user): this process sees it end early and
    does the work itself, where a failure is reported as lz reports any."""
    try:
        yield
    except BaseException:
        os._exit(1)


class ForkedStream:
    """``fn(*args)``, a generator of ``(small, payload)`` pairs (``payload``: bytes or None), running in a forked
    child; :meth:`take` gives the pairs that have arrived, so that this process can use each as soon as it is made.

    The payloads go through an unnamed file in memory, the small parts through a pipe: a child writing a large
    payload into a pipe would stall whenever this process is busy with its own work. If the child dies, ``died``
    is set once what it sent has been taken: the caller does the rest itself.
    """

    def __init__(self, fn: Callable[..., Iterator[tuple[Any, bytes | None]]], *args: Any):
        self._spool = _spool()
        self._receiver, self._process = _start(_stream_child, self._spool.fileno(), fn, args)
        self.done = False  # everything the child will send has been taken
        self.died = False  # the child ended before its last pair

    def take(self, *, wait: bool) -> list[tuple[Any, bytes | None]]:
        """The pairs that have arrived; with ``wait``, at least one (unless the child is done)."""
        taken: list[tuple[Any, bytes | None]] = []
        while not self.done and ((wait and not taken) or self._receiver.poll()):
            try:
                message = self._receiver.recv()
            except EOFError:  # the child ended without saying it was done
                message, self.died = None, True
            if message is None:
                self.done = True
                self._process.join()
                self._spool.close()
                break
            small, offset, size = message
            taken.append((small, os.pread(self._spool.fileno(), size, offset) if size >= 0 else None))
        return taken


def _spool() -> BinaryIO:
    """An unnamed file: in memory where the system offers one (Linux), else in the temporary folder."""
    if hasattr(os, "memfd_create"):
        return open(os.memfd_create("lz-spool"), "w+b")
    return tempfile.TemporaryFile()


def _stream_child(sender, spool: int, fn: Callable[..., Iterator[tuple[Any, bytes | None]]], args: tuple) -> None:
    gc.disable()
    offset = 0
    with _quietly():
        for small, payload in fn(*args):
            if payload is None:
                sender.send((small, 0, -1))
                continue
            start, view = offset, memoryview(payload)
            while view:  # a write may be cut short (a signal)
                written = os.pwrite(spool, view, offset)
                offset += written
                view = view[written:]
            sender.send((small, start, len(payload)))
        sender.send(None)
        sender.close()
