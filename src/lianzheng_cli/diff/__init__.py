"""``lz diff`` as a library: comparing two registers (``compare``), loading two versions of one without parsing
what did not change (``pairs``), and resolving git revisions to run it (``revisions``)."""

from lianzheng_cli.diff.compare import FAIL_ON, RegisterDiff, RevisionRef, diff_registers, empty_register
from lianzheng_cli.diff.pairs import LoadedPair, Problem, load_pair
from lianzheng_cli.diff.revisions import DiffRun, diff_revisions

__all__ = ["FAIL_ON", "DiffRun", "LoadedPair", "Problem", "RegisterDiff", "RevisionRef", "diff_registers",
           "diff_revisions", "empty_register", "load_pair"]
