"""The prose of the Word documents: Jinja2 text templates under ``templates/docx/<kind>/``.

A unit overrides any of them file by file with ``--template DIR`` (as for the
Markdown report). They run sandboxed with StrictUndefined like every lz
template: an unknown name is a ``templating.TemplateProblem`` naming the file
and line (the command exits 2). Their output is plain text; the builder lays
it out (a blank line separates paragraphs).
"""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.outputs.templating import render_template


class Prose:
    """The text templates of one kind of document (``brief``, ``report``, ``forms``) with their data."""

    def __init__(self, kind: str, context: dict, template_dir: Path | None = None) -> None:
        self.kind = f"docx/{kind}"
        self.context = context
        self.template_dir = template_dir

    def __call__(self, name: str, **extra: object) -> str:
        """Template ``<name>.txt.j2`` rendered with the document's data (and ``extra``)."""
        context = {**self.context, **extra} if extra else self.context
        return render_template(self.kind, f"{name}.txt.j2", context, user_dir=self.template_dir)
