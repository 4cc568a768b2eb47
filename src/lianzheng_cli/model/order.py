"""The order risks are listed in everywhere: the 一览表's, by process and step."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lianzheng_cli.model.records import Register, Risk

RiskOrder = Callable[[tuple[int, Risk]], tuple[int, int, int]]


def risk_order(register: Register) -> RiskOrder:
    """The sort key of (index, risk): by process, then step, as the 一览表 orders them; risks on no process last."""
    process_rank = {pid: i for i, pid in enumerate(register.processes)}
    step_rank: dict[tuple[str, str | None], int] = {
        (p.id, s.id): j for p in register.processes.values() for j, s in enumerate(p.steps)}
    last = len(process_rank)

    def order(indexed: tuple[int, Risk]) -> tuple[int, int, int]:
        i, risk = indexed
        if risk.process is None:
            return (last, 0, i)
        return (process_rank.get(risk.process, last), step_rank.get((risk.process, risk.step), -1), i)

    return order


def ordered_risks(register: Register, risks: Iterable[Risk], *,
                  order: RiskOrder | None = None) -> list[Risk]:
    """``risks`` in the 一览表's order (pass ``order`` from :func:`risk_order` when sorting many groups)."""
    return [risk for _, risk in sorted(enumerate(risks), key=order or risk_order(register))]
