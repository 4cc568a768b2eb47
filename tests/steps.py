"""How much work a call does, counted in Python line events: a deterministic measure of growth, not a timing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def steps(fn: Callable[[], Any]) -> int:
    """Lines of Python executed by ``fn()`` (in every function it calls)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(previous)
    return count


def growth(work: Callable[[int], Callable[[], Any]], small: int) -> float:
    """How the work of ``work(n)()`` grows from ``n = small`` to ``2 * small``: about 2 if linear, 4 if quadratic."""
    return steps(work(2 * small)) / steps(work(small))
