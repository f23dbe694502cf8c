"""The code examples of docs/*.md and where each comes from.

Every fenced block of code (python, toml, html+jinja) in docs/ follows a
marker saying what it is:

- ``<!-- example: PATH -->``: the whole file PATH (from the repository's root);
- ``<!-- example: PATH#name,other -->``: top-level functions, classes or
  assignments of a Python file, each with the comments just above it,
  separated by two blank lines;
- ``<!-- example: PATH#[section] -->``: one table of a TOML file, up to the
  next table;
- ``<!-- example: run -->``: a snippet that tests/test_doc_examples.py
  executes.

tests/test_doc_examples.py fails when a block differs from its source;
``python -m tests.doc_examples`` rewrites the blocks from their sources.
"""
from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHECKED = ("python", "toml", "html+jinja")
# A block may be indented (in a list item); its marker then is too.
BLOCK = re.compile(r"(?P<marker>[ \t]*<!-- example: (?P<source>[^>]+?) -->\n)?(?P<indent>[ \t]*)"
                   r"(?P<fence>```(?P<language>[\w+-]*)\n)(?P<code>.*?)[ \t]*```", re.S)


@dataclass(frozen=True)
class Example:
    doc: Path
    line: int
    language: str
    source: str | None
    code: str

    @property
    def where(self) -> str:
        return f"{self.doc.name}:{self.line}"


def examples(doc: Path) -> list[Example]:
    text = doc.read_text(encoding="utf-8")
    return [Example(doc, text.count("\n", 0, match.start("fence")) + 1, match["language"], match["source"],
                    textwrap.dedent(match["code"])) for match in BLOCK.finditer(text)]


def python_region(path: Path, names: list[str]) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    nodes = {}
    for node in ast.parse("\n".join(lines)).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            nodes[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    nodes[target.id] = node
    parts = []
    for name in names:
        if name not in nodes:
            raise LookupError(f"{path.relative_to(ROOT)} has no top-level {name}")
        node = nodes[name]
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        parts.append("\n".join(lines[first:node.end_lineno]))
    return "\n\n\n".join(parts) + "\n"


def toml_table(path: Path, table: str) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(table)
    end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("[")), len(lines))
    return "\n".join(lines[start:end]).rstrip("\n") + "\n"


def expected(source: str) -> str:
    """The text a block marked ``<!-- example: source -->`` must hold."""
    path_text, _, region = source.partition("#")
    path = ROOT / path_text
    if not region:
        return path.read_text(encoding="utf-8")
    if region.startswith("["):
        return toml_table(path, region)
    return python_region(path, [name.strip() for name in region.split(",")])


def rewrite(doc: Path) -> bool:
    """Put each marked block's source into it; True when the doc changed."""
    text = doc.read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        if not match["source"] or match["source"] == "run":
            return match[0]
        indent = match["indent"]
        return f"{match['marker']}{indent}{match['fence']}{textwrap.indent(expected(match['source']), indent)}{indent}```"

    new = BLOCK.sub(fill, text)
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    for document in sorted(DOCS.glob("*.md")):
        if rewrite(document):
            print(f"rewrote {document.relative_to(ROOT)}")
