"""Importing candidates from CSV or Excel: validated whole, then saved whole (or not at all)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.models import AuditEvent
from servicefit.jobs.models import Job
from servicefit.runtime.bulk import PreparedInsert
from servicefit.security.text import EMAIL_MAX_LENGTH, clean_text
from servicefit.textfile import CENTRAL, WESTERN, TextDecodingError, decode_text, guess_delimiter

from .models import Candidate, CandidateImport, Stage, StageChange

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
REQUIRED_COLUMNS = ("name", "email")
#: Header names accepted for each column, in the interface languages (a recruiter's sheet has
#: its own language's headers), compared lower-cased.
COLUMN_ALIASES = {
    "e-mail": "email",
    "mail": "email",
    "e-mail address": "email",
    "email address": "email",
    "preferred language": "language",
    "lang": "language",
    # da
    "navn": "name",
    "fulde navn": "name",
    "e-mailadresse": "email",
    "mailadresse": "email",
    "sprog": "language",
    "foretrukket sprog": "language",
    # sv
    "namn": "name",
    "fullständigt namn": "name",
    "e-post": "email",
    "epost": "email",
    "e-postadress": "email",
    "språk": "language",
    "föredraget språk": "language",
    # nb
    "fullt navn": "name",
    "e-postadresse": "email",
    "foretrukket språk": "language",
    # pl
    "imię i nazwisko": "name",
    "imie i nazwisko": "name",
    "adres e-mail": "email",
    "język": "language",
    "jezyk": "language",
    "preferowany język": "language",
}


@dataclass(frozen=True)
class ImportProblem:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("column '%(column)s'") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


class CandidateImportError(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    number: int
    name: str
    email: str
    language: str


class Table(list[tuple[int, dict[str, str]]]):
    """:func:`read_table`'s rows; ``written`` maps each column to its header as in the file."""

    written: dict[str, str]

    def __init__(self, rows: list[tuple[int, dict[str, str]]], written: dict[str, str]) -> None:
        super().__init__(rows)
        self.written = written


def as_written(
    problems: list[ImportProblem], rows: list[tuple[int, dict[str, str]]]
) -> list[ImportProblem]:
    """The problems naming each column as the recruiter's file does ("E-mail", "Sprog")."""
    written = getattr(rows, "written", {})
    return [replace(p, column=written.get(p.column, p.column)) if p.column else p for p in problems]


def _cells(value: object) -> str:
    """A cell as storable single-line text (NUL and control characters removed)."""
    return clean_text(value)


def read_table(
    file_name: str,
    data: bytes,
    *,
    required: tuple[str, ...] = REQUIRED_COLUMNS,
    languages: Collection[str] = (),
) -> Table:
    """Rows as (row number in the file, {column: value}); the header is row 1.

    ``required`` names the columns the header must have (other importers reuse this reader).
    A CSV file may be UTF-8, UTF-16 or a Windows code page, separated by commas, semicolons or
    tabs (see :func:`_read_csv`); ``languages`` (the job's) settles which code page when the
    letters alone do not.
    """
    if len(data) > MAX_BYTES:
        raise CandidateImportError([ImportProblem(None, None, _("The file is larger than 5 MB."))])
    if not data.strip():
        raise CandidateImportError([ImportProblem(None, None, _("The file is empty."))])
    lower = file_name.lower()
    if lower.endswith(".xlsx"):
        table = _limited(_read_xlsx(data))
    elif lower.endswith((".csv", ".txt")):
        table = _limited(_read_csv(data, languages))
    else:
        raise CandidateImportError([ImportProblem(None, None, _("Upload a .csv or .xlsx file."))])
    if not table:
        raise CandidateImportError([ImportProblem(None, None, _("The file is empty."))])
    titles = [_cells(c) for c in table[0]]
    header = [COLUMN_ALIASES.get(h.lower(), h.lower()) for h in titles]
    written: dict[str, str] = {}
    for column, name in zip(header, titles, strict=True):
        written.setdefault(column, name)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = [_cells(c) for c in cells]
        if not any(values):
            continue
        rows.append(
            (number, {header[i]: values[i] if i < len(values) else "" for i in range(len(header))})
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise CandidateImportError(
            [
                ImportProblem(1, c, _("this required column is missing from the header row"))
                for c in missing
            ]
        )
    if len(rows) > MAX_ROWS:
        raise _too_many_rows()
    return Table(rows, written)


def _too_many_rows() -> CandidateImportError:
    return CandidateImportError(
        [ImportProblem(None, None, _("At most %(n)d rows per file.") % {"n": MAX_ROWS})]
    )


def _limited(rows: Iterator[list[str]]) -> list[list[str]]:
    """The rows, but stop reading as soon as there are more candidates than allowed.

    A small .xlsx can expand to hundreds of thousands of rows; reading stops at the limit
    instead of loading them all.
    """
    table: list[list[str]] = []
    filled = 0
    for index, row in enumerate(rows):
        if index and any(row):
            filled += 1
            if filled > MAX_ROWS:
                raise _too_many_rows()
        table.append(row)
    return table


def _code_page_for(languages: Collection[str]) -> str | None:
    """The Windows code page a job's languages point to, if they point to one only."""
    nordic = bool({"da", "sv", "nb"} & set(languages))
    polish = "pl" in languages
    if nordic == polish:
        return None
    return CENTRAL if polish else WESTERN


def _decode(data: bytes, languages: Collection[str]) -> str:
    """The file's text in whichever encoding it is in, or a problem saying which it is not.

    See :func:`servicefit.textfile.decode_text`: a byte-order mark, else UTF-8, else the
    Windows code page (1252 or 1250) whose letters fit; never a silent wrong guess.
    """
    try:
        return decode_text(data, prefer=_code_page_for(languages)).text
    except TextDecodingError as exc:
        if exc.reason == "binary":
            message = _(
                "The file is not a text (CSV) file. Save it from the spreadsheet as 'CSV UTF-8' "
                "or upload the .xlsx file."
            )
        elif exc.reason == "ambiguous":
            message = _(
                "The file's encoding is unclear: it reads as Western European "
                "(Windows-1252) and as Central European (Windows-1250) text with different "
                "letters. Save it from the spreadsheet as 'CSV UTF-8' and upload it again."
            )
        else:
            message = _(
                "The file's characters could not be read as UTF-8, UTF-16, Windows-1252 or "
                "Windows-1250. Save it from the spreadsheet as 'CSV UTF-8' and upload it again."
            )
        raise CandidateImportError([ImportProblem(None, None, message)]) from None


def _read_csv(data: bytes, languages: Collection[str] = ()) -> Iterator[list[str]]:
    text = _decode(data, languages)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text))
    except csv.Error as exc:
        raise CandidateImportError(
            [
                ImportProblem(
                    None, None, _("The CSV file could not be read: %(error)s") % {"error": exc}
                )
            ]
        ) from None


def _read_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise CandidateImportError(
            [ImportProblem(None, None, _("The Excel file could not be read."))]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cells(c) for c in row]
    finally:
        workbook.close()


PROGRESS_EVERY = 250


def _valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def validate_rows(
    job: Job,
    rows: list[tuple[int, dict[str, str]]],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[list[Row], list[ImportProblem]]:
    """Check every row (nothing is written); ``on_progress(n)`` hears every few hundred rows."""
    default_language = (job.languages or ["en"])[0]
    existing = set(Candidate.objects.filter(job=job).values_list("email", flat=True))
    seen: dict[str, int] = {}
    valid: list[Row] = []
    problems: list[ImportProblem] = []
    for index, (number, values) in enumerate(rows, start=1):
        if on_progress is not None and index % PROGRESS_EVERY == 0:
            on_progress(index)
        name, email = values.get("name", ""), values.get("email", "").lower()
        language = (values.get("language") or default_language).lower()
        row_problems = []
        if not name:
            row_problems.append(ImportProblem(number, "name", _("the name is empty")))
        elif len(name) > 200:
            row_problems.append(
                ImportProblem(number, "name", _("the name is longer than 200 characters"))
            )
        if len(email) > EMAIL_MAX_LENGTH:
            row_problems.append(
                ImportProblem(
                    number,
                    "email",
                    _("the e-mail address is longer than %(limit)d characters")
                    % {"limit": EMAIL_MAX_LENGTH},
                )
            )
        elif not _valid_email(email):
            row_problems.append(
                ImportProblem(
                    number,
                    "email",
                    _("'%(value)s' is not a valid e-mail address") % {"value": email},
                )
            )
        else:
            if email in seen:
                row_problems.append(
                    ImportProblem(
                        number,
                        "email",
                        _("%(email)s also appears in row %(row)d")
                        % {"email": email, "row": seen[email]},
                    )
                )
            elif email in existing:
                row_problems.append(
                    ImportProblem(
                        number,
                        "email",
                        _("%(email)s is already a candidate for this job") % {"email": email},
                    )
                )
            seen.setdefault(email, number)
        if not job.offers_language(language):
            row_problems.append(
                ImportProblem(
                    number,
                    "language",
                    _("'%(value)s' is not one of this job's assessment languages (%(languages)s)")
                    % {"value": language, "languages": ", ".join(job.languages)},
                )
            )
        problems += row_problems
        if not row_problems:
            valid.append(Row(number, name, email, language))
    if not rows:
        problems.append(ImportProblem(None, None, _("The file has a header but no candidates.")))
    if job.archived_at is not None:
        from servicefit.jobs.services import closed_job_message

        problems.insert(0, ImportProblem(None, None, closed_job_message(job)))
    return valid, as_written(problems, rows)


def import_candidates(
    *, job: Job, file_name: str, data: bytes, added_by: User | None
) -> list[Candidate]:
    """Add every candidate in the file, or none: any problem raises :class:`CandidateImportError`."""
    rows, problems = validate_rows(job, read_table(file_name, data, languages=job.languages))
    if problems:
        raise CandidateImportError(problems)
    return save_rows(job=job, rows=rows, added_by=added_by)


class PreparedCandidates:
    """Checked rows turned into database rows before the transaction that stores them.

    Building and converting 15,000 rows (candidates, their stage changes and audit events) is
    the slow part of an import; done here, outside the lock, the transaction in :meth:`store`
    is three multi-row inserts (see :class:`~servicefit.runtime.bulk.PreparedInsert`) and one
    read, so SQLite's single write lock is held for a fraction of a second and candidates
    answering meanwhile are not held up.
    """

    def __init__(
        self,
        *,
        job: Job,
        rows: list[Row],
        added_by: User | None,
        candidate_import: CandidateImport | None = None,
    ) -> None:
        now = timezone.now()
        label = added_by.get_username() if added_by is not None else "system"
        detail = {"import": candidate_import.pk} if candidate_import else {}
        self.job = job
        self.candidates = [
            Candidate(
                job=job,
                name=r.name,
                email=r.email,
                language=r.language,
                stage=Stage.INVITED,
                stage_changed_at=now,
                imported_in=candidate_import,
            )
            for r in rows
        ]
        self._candidates = PreparedInsert(Candidate, self.candidates)
        self._stage_changes = PreparedInsert(
            StageChange,
            [
                StageChange(to_stage=Stage.INVITED, changed_by=added_by, changed_at=now)
                for _ in rows
            ],
            later=["candidate_id"],
        )
        self._events = PreparedInsert(
            AuditEvent,
            [
                AuditEvent(
                    at=now,
                    actor=added_by,
                    actor_label=label,
                    action="candidate.added",
                    job=job,
                    detail=detail,
                )
                for _ in rows
            ],
            later=["candidate_id"],
        )

    def store(self) -> list[Candidate]:
        """Insert everything; call inside the transaction. A clash with a candidate added since
        the check (the unique e-mail per job) raises ``IntegrityError``."""
        self._candidates.execute()
        ids = dict(Candidate.objects.filter(job=self.job).values_list("email", "id"))
        for candidate in self.candidates:
            candidate.pk = ids[candidate.email]
            candidate._state.adding = False
        self._stage_changes.execute(lambda i: [self.candidates[i].pk])
        self._events.execute(lambda i: [self.candidates[i].pk])
        return self.candidates


@transaction.atomic
def save_rows(
    *,
    job: Job,
    rows: list[Row],
    added_by: User | None,
    candidate_import: CandidateImport | None = None,
) -> list[Candidate]:
    """Add the checked rows in one transaction (see :class:`PreparedCandidates`)."""
    return PreparedCandidates(
        job=job, rows=rows, added_by=added_by, candidate_import=candidate_import
    ).store()
