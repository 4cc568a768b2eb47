"""廉政风险防控年度报告 as a Word document: the Markdown report's content, laid out for print.

The data is the Markdown report's (``outputs.annual_report.build_report_context``);
each section's prose comes from ``templates/docx/report/`` and its tables from
here. Portrait pages for the text and narrow tables; each 权力运行流程图 drawn
on a page of its own (``flowchart``); the wide table of every department's
risks in a landscape section at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from lianzheng_cli.outputs.docx.document import DocxDocument, chinese_number
from lianzheng_cli.outputs.docx.flowchart import add_flowchart
from lianzheng_cli.outputs.docx.prose import Prose
from lianzheng_cli.outputs.docx.tables import GRADE_FILLS, HEADER_FILL, Cell, Column
from lianzheng_cli.outputs.templating import grade_text

VACANT = "（空缺）"
LABEL_COLUMNS = (Column("", 28, "center"), Column("", 128))
DEPARTMENT_COLUMNS = (
    Column("编号", 18, "center"), Column("风险点", 22), Column("风险表现", 38), Column("关键环节", 22),
    Column("涉及岗位", 18), Column("类型", 11, "center"), Column("等级", 14, "center"), Column("防控措施", 68),
    Column("监控责任人", 23),
)
# dates need 23 mm at 10.5pt; the department goes into the risk's cell to leave room for the text
OVERDUE_COLUMNS = (
    Column("风险点", 28), Column("部门", 16), Column("防控措施", 40), Column("责任主体", 18),
    Column("完成期限", 23, "center"), Column("状态", 14, "center"), Column("逾期天数", 17, "center"),
)
WARNING_COLUMNS = (
    Column("预警编号", 20, "center"), Column("发出日期", 23, "center"), Column("部门、风险点", 30),
    Column("级别、来源", 18, "center"), Column("发现的问题", 31), Column("处置方式", 17, "center"),
    Column("已历天数", 17, "center"),
)
ASSESSMENT_COLUMNS = (Column("评分项", 36), Column("分值", 16, "center"), Column("得分", 16, "center"),
                      Column("评分依据", 88))
DEPARTMENT_SCORE_COLUMNS = (Column("部门", 36), Column("总分", 16, "center"), Column("等级", 16, "center"),
                            Column("各项得分", 88))
LINT_COLUMNS = (Column("规则", 18, "center"), Column("级别", 14, "center"), Column("问题", 104),
                Column("数量", 20, "center"))


def report_document(context: dict, *, made: datetime, template_dir: Path | None = None) -> DocxDocument:
    """The yearly report; ``templating.TemplateProblem`` when a prose template fails."""
    document = DocxDocument(title=context["title"], made=made, subject=context["org"]["name"])
    _Report(document, context, Prose("report", context, template_dir)).build()
    return document


def write_report_docx(context: dict, path: Path, *, made: datetime, template_dir: Path | None = None) -> Path:
    return report_document(context, made=made, template_dir=template_dir).save(path)


class _Report:
    def __init__(self, document: DocxDocument, context: dict, prose: Prose) -> None:
        self.doc = document
        self.context = context
        self.prose = prose
        self.style = context["display_grade"]
        self.section = 0
        # what the flowcharts show of each risk point (its records are made again where the departments' tables are)
        self.risks = {r["id"]: {"title": r["title"], "description": r["description"]}
                      for d in context["departments"] for r in d["risks"]}

    def build(self) -> None:
        context = self.context
        org = context["org"]
        prefix = f"{org['name']}{org['year']}年度"
        title = context["title"]
        self.doc.title(f"{prefix}\n{title[len(prefix):]}" if title.startswith(prefix) and title != prefix else title)
        self.doc.subtitle(f"（统计截至{context['as_of']}）")
        if context.get("approval"):
            self.doc.subtitle(context["approval"])
        self.doc.prose(self.prose("intro"))
        steps: list[Callable[[], None]] = [self.overview, self.grades, self.high_risks, self.followup, self.lint]
        if context.get("assessment") is not None:
            steps.append(self.assessment)
        if context["changes"] is not None:
            steps.append(self.changes)
        steps += [self.flowcharts, self.departments]
        for step in steps:
            step()

    def heading(self, text: str, *, page_break: bool = False) -> None:
        self.section += 1
        self.doc.heading(f"{chinese_number(self.section)}、{text}", page_break=page_break)

    def grade(self, grade: str) -> str:
        return grade_text(grade, self.style)

    def risk_grade(self, risk: dict) -> str:
        """The effective grade; 固有等级→剩余等级 where a residual is given (1.1)."""
        return self.grade(risk["grade"]) + (f"→{self.grade(risk['residual'])}" if risk["residual"] else "")

    def overview(self) -> None:
        o, grades = self.context["overview"], self.context["grades"]
        self.heading("总体情况")
        self.doc.prose(self.prose("overview"), keep_with_next=True)
        by_grade = "、".join(f"{g}风险{o['risks_by_grade'][g]}个" for g in grades)
        by_stage = "、".join(f"{s}{n}项" for s, n in o["measures_by_stage"].items())
        status = o["measures_by_status"]
        rows = [
            ["部门", o["departments"], ""], ["人员", o["people"], ""], ["岗位", o["posts"], ""],
            ["职权", o["powers"], f"对外职权{o['powers_external']}项，“三重一大”事项{o['powers_sanzhong_yida']}项"],
            ["权力运行流程", o["processes"], f"共{o['steps']}个环节"],
            ["廉政风险点", o["risks"], by_grade],
            ["防控措施", o["measures"], by_stage],
            ["其中已落实", status["已落实"], f"落实中{status['落实中']}项、未开始{status['未开始']}项；"
                                           f"已过完成期限仍未落实{o['measures_overdue']}项"],
            ["预警处置记录", o["warnings"], f"截至{self.context['as_of']}未办结{o['warnings_open']}条"],
        ]
        columns = (Column("项目", 32, "center"), Column("数量", 18, "center"), Column("说明", 106))
        self.doc.table(columns, rows)

    def grades(self) -> None:
        grades, distribution = self.context["grades"], self.context["grade_distribution"]
        self.heading("风险等级分布")
        self.doc.prose(self.prose("grades"), keep_with_next=True)
        headers = [g if self.grade(g) == g else f"{g}（{self.grade(g)}）" for g in grades]
        columns = (Column("部门", 56), *(Column(h, 25, "center") for h in headers), Column("合计", 25, "center"))
        rows: list[list[Cell | str | int]] = [[r["name"], *(r["counts"][g] for g in grades), r["total"]]
                                              for r in distribution["rows"]]
        totals = distribution["totals"]
        rows.append([Cell(str(v), bold=True, fill=HEADER_FILL, align="center" if i else None) for i, v in
                     enumerate(["合计", *(totals["counts"][g] for g in grades), totals["total"]])])
        self.doc.table(columns, rows)

    def high_risks(self) -> None:
        self.heading("高风险点及防控措施")
        self.doc.prose(self.prose("high_risks"))
        for n, risk in enumerate(self.context["high_risks"], 1):
            self.doc.heading(f"（{chinese_number(n)}）{risk['id']} {risk['title']}", level=2)
            rows = [["部门", risk["department_name"]]]
            if risk["process_name"]:
                rows.append(["关键环节", risk["process_name"] + (f"/{risk['step_name']}" if risk["step_name"] else "")])
            rows += [["涉及岗位", risk["subjects"]], ["风险类型", risk["type"]],
                     ["风险等级", self.risk_grade(risk)], ["风险表现", risk["description"]],
                     ["防控措施", risk["measures_text"] or "（未制定）"], ["监控责任人", _monitors(risk)]]
            self.doc.table(LABEL_COLUMNS, [[Cell(k, fill=HEADER_FILL), v] for k, v in rows], header=False, size=12.0,
                           keep_together=True)

    def followup(self) -> None:
        context = self.context
        self.heading(f"措施落实与预警处置（截至{context['as_of']}）")
        self.doc.heading("（一）逾期未落实的防控措施", level=2)
        self.doc.prose(self.prose("overdue"), keep_with_next=bool(context["overdue_measures"]))
        if context["overdue_measures"]:
            self.doc.table(OVERDUE_COLUMNS, [[f"{m['risk']} {m['risk_title']}", m["department"],
                                              f"{m['id']} {m['text']}", m["owner"], m["due"], m["status"],
                                              m["days"]] for m in context["overdue_measures"]])
        self.doc.heading("（二）未办结的预警", level=2)
        self.doc.prose(self.prose("warnings"), keep_with_next=bool(context["open_warnings"]))
        if context["open_warnings"]:
            self.doc.table(WARNING_COLUMNS, [[w["id"], w["date"], f"{w['department']}\n{w['risk']} {w['risk_title']}",
                                              "\n".join(x for x in (w["level"], w["source"]) if x), w["finding"],
                                              w["action"], f"{w['days']}" + ("\n（已超时限）" if w["overdue"] else "")]
                                             for w in context["open_warnings"]])

    def lint(self) -> None:
        lint = self.context["lint"]
        self.heading("登记簿检查结果")
        self.doc.prose(self.prose("lint"), keep_with_next=bool(lint and lint["total"]))
        if lint and lint["total"]:
            self.doc.table(LINT_COLUMNS, [[r["code"], r["severity_text"], r["summary"], r["count"]]
                                          for r in lint["rules"]])

    def assessment(self) -> None:
        a = self.context["assessment"]
        self.heading("年度考核")
        self.doc.prose(self.prose("assessment"), keep_with_next=True)
        self.doc.table(ASSESSMENT_COLUMNS, [[i["name"], i["points"], i["score"], i["evidence"]]
                                            for i in a["unit"]["scores"]])
        self.doc.heading("各部门得分", level=2)
        rows: list[list[Cell | str]] = []
        for d in a["departments"]:
            items = "；".join(f"{i['name']}{i['score']}" for i in d["scores"])
            rows.append([d["name"], d["score"], d["band"], items])
        self.doc.table(DEPARTMENT_SCORE_COLUMNS, rows)
        for s in a["shortfalls"]:
            self.doc.paragraph(f"——{s['department']}，{s['item']}：{s['ids']}", size=12.0)

    def changes(self) -> None:
        changes = self.context["changes"]
        self.heading(f"登记簿变更（{changes['from']}→{changes['to']}）")
        self.doc.prose(self.prose("changes"))
        for n, dept in enumerate(changes["departments"], 1):
            self.doc.heading(f"（{chinese_number(n)}）{dept['name']}", level=2)
            for entry in dept["entries"]:
                self.doc.paragraph(entry["text"])
                for line in entry["details"]:
                    self.doc.paragraph(f"——{line}")

    def flowcharts(self) -> None:
        self.heading("权力运行流程图", page_break=True)
        self.doc.prose(self.prose("flowcharts"), keep_with_next=True)
        for n, process in enumerate(self.context["processes"], 1):
            self.doc.heading(f"（{chinese_number(n)}）{process['name']}", level=2, page_break=n > 1)
            data = f"承办部门：{process['department']}" + (f"；办理时限：{process['time_limit']}"
                                                         if process["time_limit"] else "")
            self.doc.paragraph(data, keep_with_next=True)
            add_flowchart(self.doc, process, self.risks, self.style)
            if process["unplaced_risks"]:
                unplaced = "、".join(f"{r['id']} {r['title']}（{self.grade(r['grade'])}）"
                                     for r in process["unplaced_risks"])
                self.doc.paragraph(f"未对应到具体环节的风险点：{unplaced}。", size=12.0)

    def departments(self) -> None:
        self.doc.new_section(landscape=True)
        self.heading("各部门廉政风险点及防控措施")
        self.doc.prose(self.prose("departments"))
        for n, dept in enumerate(self.context["departments"], 1):
            self.doc.heading(f"（{chinese_number(n)}）{dept['name']}", level=2)
            heads = ";".join(x for x in (f"部门负责人：{dept['leader']}" if dept["leader"] else "",
                                         f"分管领导：{dept['supervisor']}" if dept["supervisor"] else "") if x)
            if heads:
                self.doc.paragraph(heads, keep_with_next=bool(dept["risks"]))
            if not dept["risks"]:
                self.doc.paragraph("本部门没有登记廉政风险点。")
                continue
            self.doc.table(DEPARTMENT_COLUMNS, [self.department_row(r) for r in dept["risks"]])

    def department_row(self, risk: dict) -> list[Cell | str]:
        where = risk["process_name"] + (f"/{risk['step_name']}" if risk["step_name"] else "")
        return [risk["id"], risk["title"], risk["description"], where, risk["subjects"], risk["type"],
                Cell(self.risk_grade(risk), fill=GRADE_FILLS.get(risk["grade"])),
                risk["measures_text"] or "（未制定防控措施）", _monitors(risk)]


def _monitors(risk: dict) -> str:
    return risk["monitors_text"]
