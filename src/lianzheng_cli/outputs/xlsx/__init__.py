"""Workbooks, all written by ``writer.py``: the 一览表 (``risk_table.py``, ``sheets.py``), 告知书 (``brief_table.py``).

To add a 一览表 sheet: in ``sheets.py`` write ``def my_sheet(form: Form) -> None`` that opens it with
``form.list_sheet(title, columns)`` (heading and header rows; ``form.sheet`` for a bare one) and ``append``s
its rows of (value, style) cells such as ``(name, form.styles.left)``; then list it once in ``risk_table.SHEETS``.
"""
