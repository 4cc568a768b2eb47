"""``lz import``: an office's existing 一览表, 职权目录 and 岗位风险等级目录 (Excel, WPS, Word) as a new register.

The pipeline, one module per step:

- ``read`` (and ``read_xlsx``, ``read_xls``, ``read_docx``): each file kind to ``grid.Sheet``
  (values, merged ranges, hidden rows and columns, formula cells);
- ``headers``, ``tables``, ``rows``: the header row(s) found by their words, what each column holds,
  the data rows with their department and section;
- ``grades``, ``measures``, ``text``, ``words``, ``ids``: cell interpretation (grades, measure lists,
  names, enum words, codes and ids);
- ``risks``, ``catalogs``, ``build``, ``resolve``: the draft register (``draft``), every value traced to its cell;
- ``emit``, ``run``: the YAML texts and writing them.

Problems are ``problems.ImportProblem``: the usual ``Diagnostic`` with the sheet and cell added.
"""

from lianzheng_cli.importing.run import (
    ImportOptions,
    ImportResult,
    ImportUsageError,
    OutputFile,
    import_files,
    parse_map,
    write_register,
)

__all__ = ["ImportOptions", "ImportResult", "ImportUsageError", "OutputFile", "import_files", "parse_map",
           "write_register"]
