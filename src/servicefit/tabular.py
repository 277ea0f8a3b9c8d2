"""Reading numeric CSV files for the command-line toolbox.

The pure :mod:`servicefit.psychometrics` package never touches files; this module turns a
CSV file into a float matrix (NaN = missing) and reports bad input as one line naming the
file, the line and the column: ``data.csv, line 7, column 'A3': 'x' is not a number``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
from numpy.typing import NDArray

from servicefit.textfile import TextDecodingError, decode_text, guess_delimiter

__all__ = ["MISSING_TOKENS", "NumericTable", "TabularError", "read_header", "read_numeric_csv"]

#: Cells read as missing values.
MISSING_TOKENS = frozenset({"", "NA", "N/A", "NaN", "nan", "."})
#: Header names of a first column that labels rows instead of holding numbers.
LABEL_HEADERS = frozenset(
    {"", "id", "target", "subject", "coder", "rater", "judge", "unit", "candidate", "name"}
)

ProgressCallback = Callable[[int, int], None]


class TabularError(ValueError):
    """Bad tabular input; the message is one line naming file, line/column and reason."""


@dataclass(frozen=True, slots=True, eq=False)
class NumericTable:
    """Numeric columns of a CSV file; ``lines[i]`` is the file line of data row ``i``."""

    path: Path
    columns: tuple[str, ...]
    data: NDArray[np.float64]
    lines: NDArray[np.int64]
    labels: tuple[str, ...] | None
    label_header: str | None

    def locate(self, row: int, col: int) -> str:
        """``file, line N, column 'X'`` for an error message."""
        return f"{self.path}, line {self.lines[row]}, column {self.columns[col]!r}"

    def select(self, columns: Sequence[str]) -> NumericTable:
        """The named columns as a table with the same lines and labels."""
        idx = [self.columns.index(c) for c in columns]
        return NumericTable(
            path=self.path,
            columns=tuple(columns),
            data=self.data[:, idx],
            lines=self.lines,
            labels=self.labels,
            label_header=self.label_header,
        )

    def check_range(self, minimum: float, maximum: float) -> None:
        """Raise :class:`TabularError` at the first value outside ``[minimum, maximum]``."""
        bad = (self.data < minimum) | (self.data > maximum)
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            value = self.data[row, col]
            raise TabularError(
                f"{self.locate(row, col)}: value {value:g} outside {minimum:g}-{maximum:g}"
            )


def _counting_lines(handle: TextIO, counter: list[int]) -> Iterator[str]:
    for line in handle:
        counter[0] += len(line)
        yield line


def read_numeric_csv(
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    label_column: bool | None = None,
    id_column: str | None = None,
    progress: ProgressCallback | None = None,
    min_rows: int = 1,
) -> NumericTable:
    """Read the ``columns`` of a CSV file as floats (all columns but a label column if None).

    ``label_column=None`` treats the first column as row labels when its header is empty or
    one of ``id``, ``target``, ``coder``, ``rater`` …; ``id_column`` names the label column
    explicitly. ``progress(done, total)`` is called with
    characters read so far and the file's length in characters.

    The file may be UTF-8, UTF-16 (with its mark) or Windows-1252/1250 as a spreadsheet saves
    it (:func:`servicefit.textfile.decode_text`), separated by commas, semicolons or tabs; with
    semicolons or tabs a decimal comma ("3,5") is read as a decimal point.
    """
    p = Path(path)
    if p.is_dir():
        raise TabularError(f"{p}: is a directory, not a file")
    if not p.is_file():
        raise TabularError(f"{p}: no such file")
    if p.stat().st_size == 0:
        raise TabularError(f"{p}: file is empty")
    text = _read_text(p)
    total = len(text)
    delimiter = guess_delimiter(text)
    decimal_comma = delimiter != ","
    counter = [0]
    try:
        with io.StringIO(text, newline="") as handle:
            reader = csv.reader(_counting_lines(handle, counter), delimiter=delimiter)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise TabularError(f"{p}: file is empty (no header line)")
            header = [h.strip() for h in header]
            label_index = 0
            if id_column is not None:
                if id_column not in header:
                    raise TabularError(
                        f"{p}: no column {id_column!r} (columns: {', '.join(header)})"
                    )
                label_column, label_index = True, header.index(id_column)
            elif label_column is None:
                label_column = header[0].lower() in LABEL_HEADERS
            if columns is None:
                wanted = [
                    h for i, h in enumerate(header) if not (label_column and i == label_index)
                ]
                if not wanted:
                    raise TabularError(f"{p}: no data columns")
            else:
                wanted = list(columns)
                unknown = [c for c in wanted if c not in header]
                if unknown:
                    raise TabularError(
                        f"{p}: unknown column {unknown[0]!r} (columns: {', '.join(header)})"
                    )
            _refuse_duplicate_columns(p, header, [*wanted, *([id_column] if id_column else [])])
            index = [header.index(c) for c in wanted]
            cells: list[list[str]] = []
            labels: list[str] = []
            lines: list[int] = []
            line_no = 1
            for record in reader:
                line_no = reader.line_num
                if not record:
                    continue
                if len(record) != len(header):
                    raise TabularError(
                        f"{p}, line {line_no}: {len(record)} fields, header has {len(header)}"
                    )
                row = [record[i].strip() for i in index]
                cells.append([c.replace(",", ".") for c in row] if decimal_comma else row)
                if label_column:
                    labels.append(record[label_index].strip())
                lines.append(line_no)
                if progress is not None and len(lines) % 5000 == 0:
                    progress(counter[0], total)
    except csv.Error as exc:
        raise TabularError(f"{p}: malformed CSV: {exc}") from None
    if progress is not None:
        progress(total, total)
    if len(cells) < min_rows:
        raise TabularError(f"{p}: no data rows" if not cells else f"{p}: too few data rows")
    data = _to_float(cells, p, wanted, lines)
    if columns is None and "" in wanted:
        # A delimiter at the end of every line (some exports write one) makes a last column
        # without a name or values: left out. An unnamed column with values is refused.
        for i, name in enumerate(wanted):
            if name == "" and not np.isnan(data[:, i]).all():
                position = index[i] + 1
                raise TabularError(
                    f"{p}: column {position} has values but no name in the header; name it"
                )
        keep = [i for i, name in enumerate(wanted) if name != ""]
        wanted, data = [wanted[i] for i in keep], data[:, keep]
        if not wanted:
            raise TabularError(f"{p}: no data columns")
    return NumericTable(
        path=p,
        columns=tuple(wanted),
        data=data,
        lines=np.asarray(lines, dtype=np.int64),
        labels=tuple(labels) if label_column else None,
        label_header=header[label_index] if label_column else None,
    )


def read_header(path: str | Path) -> list[str]:
    """The column names of a CSV file's first line (stripped), read as :func:`read_numeric_csv`
    reads them; ``[]`` for an empty file."""
    text = _read_text(Path(path))
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text)), [])
    return [h.strip() for h in header]


def _refuse_duplicate_columns(path: Path, header: Sequence[str], used: Sequence[str]) -> None:
    """A used column whose name the header gives twice: which one is meant is unknowable."""
    for name in dict.fromkeys(used):
        if not name:
            continue  # unnamed columns: see read_numeric_csv
        places = [str(i + 1) for i, h in enumerate(header) if h == name]
        if len(places) > 1:
            raise TabularError(
                f"{path}: column {name!r} appears {len(places)} times in the header "
                f"(columns {', '.join(places)}); give each column its own name"
            )


def _read_text(path: Path) -> str:
    """The file's text, or a :class:`TabularError` saying why it is not readable text."""
    try:
        return decode_text(path.read_bytes()).text
    except TextDecodingError as exc:
        reasons = {
            "binary": "not a text file (it contains NUL bytes)",
            "ambiguous": "encoding unclear (reads as Windows-1252 and as Windows-1250 with "
            "different letters); save it as UTF-8",
            "undecodable": "not readable as UTF-8, UTF-16, Windows-1252 or Windows-1250",
        }
        raise TabularError(f"{path}: {reasons[exc.reason]}") from None


def _to_float(
    cells: list[list[str]], path: Path, columns: Sequence[str], lines: list[int]
) -> NDArray[np.float64]:
    text = np.asarray(cells, dtype=object)
    missing = np.isin(text, list(MISSING_TOKENS))
    text[missing] = "nan"
    try:
        data = text.astype(np.float64)
    except ValueError:
        data = None
    if data is None or np.isinf(data).any():
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                if cell in MISSING_TOKENS:
                    continue
                try:
                    value = float(cell)
                except ValueError:
                    value = math.nan
                if not math.isfinite(value):
                    raise TabularError(
                        f"{path}, line {lines[r]}, column {columns[c]!r}: {cell!r} is not a number"
                    )
        raise TabularError(f"{path}: could not read the numbers")  # pragma: no cover
    return data
