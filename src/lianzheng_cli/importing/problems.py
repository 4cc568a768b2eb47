"""What an import finds: the usual ``Diagnostic``, wrapped with the sheet and cell it is about.

The diagnostic's ``file`` is the source file as the user named it, ``line`` and ``column`` the
1-based row and column of the cell (0 when the finding is about a whole sheet or file).
``ImportProblem.to_dict`` is the diagnostic's JSON with two keys added, ``sheet`` and ``cell``
(``G12``), so the JSON contract of ``lz validate`` holds for ``lz import`` too.

Codes LZ600–LZ699 belong to the importer; each module that finds a problem keeps its message.
"""

from __future__ import annotations

from dataclasses import dataclass

from lianzheng_cli.diagnostics import Diagnostic, Severity, count_by_severity
from lianzheng_cli.importing.grid import Place

# Every code the importer reports, with its severity: errors are rows or values that could not be imported as
# the sheet means them (exit 1); warnings are imported with a guess or without the value; infos say what was skipped.
SEVERITY: dict[str, Severity] = {
    "LZ600": Severity.INFO,  # the file's extension is not what it holds; read by its content
    "LZ601": Severity.INFO,  # a sheet repeats the risks of another sheet (明细 beside 一览表); skipped
    "LZ602": Severity.INFO,  # a sheet is a 预警处置记录 (not imported yet)
    "LZ603": Severity.INFO,  # columns whose headers are not understood; not imported
    "LZ604": Severity.WARNING,  # a second column for the same field; ignored
    "LZ605": Severity.INFO,  # hidden rows or columns skipped
    "LZ606": Severity.INFO,  # the title or options name the organization or year differently
    "LZ607": Severity.INFO,  # the workbook carries the register it was rendered from: restored, the edits applied
    "LZ608": Severity.WARNING,  # that register text is damaged or does not validate: the visible sheets are read
    "LZ610": Severity.ERROR,  # a row with everything but the risk text; not imported
    "LZ611": Severity.ERROR,  # a merged cell spans rows of two departments
    "LZ612": Severity.WARNING,  # 同上 with no cell above it
    "LZ613": Severity.WARNING,  # text that looks like a formula; kept as text
    "LZ614": Severity.INFO,  # a real formula in a data column; ignored
    "LZ615": Severity.WARNING,  # a section row that gives neither a risk type nor a department
    "LZ620": Severity.WARNING,  # a grade that is none of the contract's spellings
    "LZ621": Severity.WARNING,  # a risk without a grade
    "LZ622": Severity.WARNING,  # the grade column and the grade in the risk text differ
    "LZ623": Severity.WARNING,  # no risk type: 岗位职责 written for the user to check
    "LZ624": Severity.WARNING,  # a risk type outside the vocabulary: added to org.yaml's vocabulary
    "LZ625": Severity.INFO,  # likelihood and impact not in the sheet: written from the grade
    "LZ626": Severity.WARNING,  # a risk without 涉及对象: recorded for the whole department (applies_to: 部门)
    "LZ627": Severity.INFO,  # 关键环节 without a 流程: the steps are placed in a process named after the power
    "LZ630": Severity.WARNING,  # a code given twice: the id is made unique
    "LZ631": Severity.WARNING,  # a code that is no valid id: sanitized
    "LZ640": Severity.WARNING,  # a 职权名称 that the 职权目录 does not hold
    "LZ641": Severity.WARNING,  # a power category outside the vocabulary
    "LZ642": Severity.WARNING,  # a power without 对内/对外: chosen from its category
    "LZ650": Severity.WARNING,  # no department named: the rows are the organization's own department
    "LZ651": Severity.INFO,  # people without 任职日期: the year's first day written for the user to check
    "LZ652": Severity.INFO,  # a 责任主体 that names no department, post, person or outside party
    "LZ653": Severity.WARNING,  # a value that cannot be read as what its column holds (a score, a date)
    # lz import --update
    "LZ660": Severity.WARNING,  # two sheets changed a value of one risk differently; not updated
    "LZ661": Severity.WARNING,  # a risk under another department in the sheet; risks are not moved
    "LZ662": Severity.WARNING,  # a new row of a department the register does not have; not added
    "LZ663": Severity.WARNING,  # a process or step the register does not have; not updated
    "LZ664": Severity.WARNING,  # a risk type outside the vocabulary; not updated
    "LZ665": Severity.WARNING,  # an owner the register does not know, or owners not one per measure; not updated
    "LZ666": Severity.INFO,  # a 涉及对象 that names no post: a new post
    "LZ667": Severity.WARNING,  # measures that cannot be matched to the sheet's lines; not updated
    "LZ668": Severity.WARNING,  # a new measure without a stage or an owner: to be written in the register
    "LZ669": Severity.INFO,  # a declared grade below the computed one: the effective grade stays
    "LZ670": Severity.WARNING,  # a risk gone from the sheet that warnings name: never deleted
    "LZ671": Severity.WARNING,  # a code given twice in one sheet: the second row is a new risk
}


@dataclass(frozen=True, slots=True)
class ImportProblem:
    diagnostic: Diagnostic
    sheet: str = ""
    cell: str = ""

    @property
    def severity(self) -> Severity:
        return self.diagnostic.severity

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def message(self) -> str:
        return self.diagnostic.message

    @property
    def file(self) -> str:
        return self.diagnostic.file

    def to_dict(self) -> dict:
        data = self.diagnostic.to_dict()
        data["sheet"] = self.sheet
        data["cell"] = self.cell
        return data


class Problems:
    """The problems of one import, in the order found (shown sorted by file, sheet order and row)."""

    def __init__(self) -> None:
        self.items: list[ImportProblem] = []

    def at(self, code: str, place: Place, message: str, subject: str = "") -> None:
        """A problem about one cell."""
        diagnostic = Diagnostic(code, SEVERITY[code], place.file, place.row + 1, place.col + 1, message, subject)
        self.items.append(ImportProblem(diagnostic, place.sheet, place.cell))

    def on_sheet(self, code: str, file: str, sheet: str, message: str, row: int | None = None) -> None:
        """A problem about a whole sheet, or one of its rows (``row`` 0-based)."""
        line = 0 if row is None else row + 1
        diagnostic = Diagnostic(code, SEVERITY[code], file, line, 0 if row is None else 1, message)
        self.items.append(ImportProblem(diagnostic, sheet, "" if row is None else f"A{line}"))

    def on_file(self, code: str, file: str, message: str) -> None:
        self.items.append(ImportProblem(Diagnostic(code, SEVERITY[code], file, 0, 0, message)))

    @property
    def errors(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self.items)

    def counts(self) -> dict[str, int]:
        return count_by_severity([p.diagnostic for p in self.items])
