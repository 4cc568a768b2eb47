"""The approval line documents print: 「审核：局党组会 2025-03-01（局党组会〔2025〕3号）」 (approvals.yaml)."""

from __future__ import annotations

from lianzheng_cli.model.cycle import Approval, latest_approval
from lianzheng_cli.model.records import Register


def approval_words(approval: Approval) -> str:
    """``局党组会 2025-03-01（局党组会〔2025〕3号）`` (documents are Chinese whatever the run's language)."""
    text = f"{approval.body} {approval.date.isoformat()}"
    return f"{text}（{approval.ref}）" if approval.ref else text


def approval_line(register: Register, department: str | None = None) -> str | None:
    """The latest approval of what a document shows (one department, else the whole register), or None."""
    if department is not None:
        approval = latest_approval(register.approvals, department)
    else:
        approval = latest_approval(register.approvals, whole=True)
    return None if approval is None else f"审核：{approval_words(approval)}"
