"""lz approve"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from lianzheng_cli.cli.common import LangOption, RegisterOption, checked_register, command_help, start, usage_error
from lianzheng_cli.fileio import shown_path
from lianzheng_cli.i18n import join_list, messages

tr = messages({
    "approve.help": {
        "zh": "记录一次审核：部门会议、分管领导、党委会/党组会或领导小组审核了登记簿的当前版本（HEAD 提交）。\n\n"
              "在 approvals.yaml 末尾追加一条记录（其余内容与注释不变）：审核主体、日期、会议文号、范围"
              "（整个登记簿，或 --department 指定的部门）与所审核的 git 版本。"
              "所审核的文件有未提交的改动时拒绝。之后部门文件再有改动，lz validate 给出 LZ028 警告；"
              "lz diff approved 列出审核以来的变更。\n\n"
              "退出码：0 已记录；1 登记簿有错误；2 用法错误（不在 git 仓库中、有未提交的改动、审核主体或部门不对）。",
        "en": "Record an approval: a department meeting, the supervising leader, the party committee or a leading "
              "group approved the register's current version (the HEAD commit).\n\n"
              "Appends a record to approvals.yaml (the rest of the file and its comments unchanged): who, when, "
              "the meeting's reference, the scope (the whole register, or the --department) and the git revision. "
              "Refused while the files approved have uncommitted changes. When a department file changes "
              "afterwards, lz validate warns (LZ028); lz diff approved lists the changes since.\n\n"
              "Exit codes: 0 recorded; 1 the register has errors; 2 usage error (not in git, uncommitted changes, "
              "an unknown body or department).",
    },
    "approve.help.by": {
        "zh": "审核主体：部门会议、分管领导、党委会、党组会、领导小组（或 org.yaml 的 vocabulary 增补的词）。",
        "en": "Who approved: a word of the approval_body vocabulary (department meeting, supervising leader, party "
              "committee, party group, leading group, in Chinese), or a word added in org.yaml's vocabulary.",
    },
    "approve.help.date": {"zh": "审核日期，默认今天。", "en": "The date of the approval; default: today."},
    "approve.help.ref": {
        "zh": "会议纪要或文件的文号，如“局党组会〔2025〕3号”。",
        "en": "The meeting's or document's reference number, as the minutes give it.",
    },
    "approve.help.department": {
        "zh": "只审核这个部门（部门编号）；省略则审核整个登记簿。",
        "en": "Approve this department only (its id); default: the whole register.",
    },
    "approve.bad_body": {
        "zh": "审核主体 `{value}` 不在词表中（可用：{words}；可在 org.yaml 的 vocabulary.add.approval_body 增补）",
        "en": "approval body `{value}` is not in the vocabulary (use: {words}; or add it in org.yaml's "
              "vocabulary.add.approval_body)",
    },
    "approve.bad_date": {
        "zh": "--date 的日期 `{value}` 格式不对，应为 YYYY-MM-DD（如 2025-03-01）",
        "en": "--date `{value}` is not YYYY-MM-DD (e.g. 2025-03-01)",
    },
    "approve.unknown_department": {
        "zh": "登记簿中没有编号为 `{id}` 的部门",
        "en": "the register has no department with id `{id}`",
    },
    "approve.recorded": {
        "zh": "已记录审核：{line}，范围：{scope}，版本 {short}（{path}）；请提交 {path}",
        "en": "approval recorded: {line}, scope: {scope}, revision {short} ({path}); commit {path}",
    },
    "approve.scope.whole": {"zh": "整个登记簿", "en": "the whole register"},
})


@command_help(tr.lazy("approve.help"))
def approve_command(
    by: Annotated[str, typer.Option("--by", metavar="BODY", help=tr.lazy("approve.help.by"))],
    day: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", show_default=False, help=tr.lazy("approve.help.date"))] = None,
    ref: Annotated[str | None, typer.Option(
        "--ref", metavar="TEXT", show_default=False, help=tr.lazy("approve.help.ref"))] = None,
    department: Annotated[str | None, typer.Option(
        "--department", metavar="ID", show_default=False, help=tr.lazy("approve.help.department"))] = None,
    register: RegisterOption = None,
    lang: LangOption = None,
) -> None:
    """lz approve: append an approval of the HEAD commit to approvals.yaml."""
    from lianzheng_cli.validate.cycle import approval_text
    from lianzheng_cli.write.approvals import ApproveError, head_revision, record_approval
    from lianzheng_cli.write.files import WriteError

    root = start(lang, register)
    when = _parse_date(day)
    reg = checked_register(root).register
    vocabulary = reg.org.vocabulary
    if by.strip() not in vocabulary.spellings("approval_body"):
        raise usage_error(tr("approve.bad_body", value=by, words=join_list(vocabulary.words("approval_body"))))
    body = vocabulary.canonical("approval_body", by.strip())
    if department is not None and department not in reg.by_department:
        raise usage_error(tr("approve.unknown_department", id=department))
    try:
        revision = head_revision(root, department)
        recorded = record_approval(root, body=body, day=when, ref=ref, department=department, revision=revision)
    except (ApproveError, WriteError) as exc:
        raise usage_error(str(exc)) from None
    from lianzheng_cli.model.cycle import Approval
    from lianzheng_cli.model.records import At

    line = approval_text(Approval(body, when, ref, department, revision, At("", ())))
    scope = reg.by_department[department].name if department else tr("approve.scope.whole")
    typer.echo(tr("approve.recorded", line=line, scope=scope, short=revision[:7], path=shown_path(recorded.path)))


def _parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise usage_error(tr("approve.bad_date", value=value)) from None
