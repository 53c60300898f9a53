"""One CSV per record type, with the same columns as the import bundle's rows (DESIGN §4): for spreadsheets.

- UTF-8 with a byte-order mark, so that spreadsheet programs show Chinese; the header row names the columns.
- A list (offers, needs, domains, tags, presenters, listings, members) is one cell, its values separated by
  semicolons: `hardware/cryogenics; services/legal`.
- An empty cell is a value not given (the same as leaving the field out of a JSON row).
- A file's record type is told by its header: `org_type` (organisations), `kind` (listings), `function`
  (jobs), `starts_at` (webinars), `members` or `mission` (working groups).
Row numbers in an import report count data rows: row 1 is the first line after the header (blank lines,
which spreadsheets leave at the end, are not counted).
"""

import csv
import io
import types
import typing
from typing import Any

from app.imports.schemas import ROW_MODELS, SECTIONS, RowError
from app.imports.service import BundleRejected

BOM = "\ufeff"
LIST_SEPARATOR = ";"
# The column that tells a file's record type from its header.
SIGNATURES = {"organizations": ("org_type",), "listings": ("kind",), "jobs": ("function",),
              "webinars": ("starts_at",), "groups": ("members", "mission")}
FIRST = ("org", "slug")  # the columns a reader looks for first


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_list(typing.get_args(annotation)[0])
    return False


def columns(section: str) -> list[str]:
    names = list(ROW_MODELS[section].model_fields)
    return [n for n in FIRST if n in names] + [n for n in names if n not in FIRST]


def list_columns(section: str) -> set[str]:
    return {name for name, info in ROW_MODELS[section].model_fields.items() if _is_list(info.annotation)}


def to_csv(section: str, rows: list[dict[str, Any]]) -> str:
    """Rows of the bundle (as the export writes them) as one CSV text, header first, with the BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names, lists = columns(section), list_columns(section)
    writer.writerow(names)
    for row in rows:
        writer.writerow([f"{LIST_SEPARATOR} ".join(row.get(n) or []) if n in lists else
                         ("" if row.get(n) is None else str(row[n])) for n in names])
    return BOM + out.getvalue()


def template(section: str) -> str:
    """An empty CSV of the record type: its header only."""
    return to_csv(section, [])


def section_of(header: list[str]) -> str:
    """The record type a header belongs to; BundleRejected naming the column otherwise."""
    given = set(header)
    matches = [s for s in SECTIONS if given <= set(columns(s)) and any(c in given for c in SIGNATURES[s])]
    if len(matches) == 1:
        return matches[0]
    unknown = sorted(given - set().union(*(columns(s) for s in SECTIONS)))
    message = (f"unknown column(s): {', '.join(unknown)}" if unknown else
               "cannot tell the record type: the header needs org_type, kind, function, starts_at or members")
    raise BundleRejected([RowError("csv", None, "header", message)])


def read_csv(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The record type and its rows, ready for import_bundle as {section: rows}."""
    reader = csv.reader(io.StringIO(text.removeprefix(BOM)))
    header = [name.strip() for name in next(reader, [])]
    if not header or not any(header):
        raise BundleRejected([RowError("csv", None, "header", "the file is empty: the first line names the columns")])
    if len(set(header)) != len(header):
        raise BundleRejected([RowError("csv", None, "header", "a column is named twice")])
    section = section_of(header)
    lists = list_columns(section)
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line (spreadsheets leave them at the end)
        if len(cells) > len(header):
            errors.append(RowError(section, number, "row", f"{len(cells)} cells for {len(header)} columns"))
            continue
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            cell = cell.strip()
            if not cell:
                continue
            row[name] = [v.strip() for v in cell.split(LIST_SEPARATOR) if v.strip()] if name in lists else cell
        rows.append(row)
    if errors:
        raise BundleRejected(errors)
    return section, rows
