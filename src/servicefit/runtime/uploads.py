"""Uploads on a full disk: a clear error on the form instead of a server error.

Django writes an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) to a temporary
file (in ``TMPDIR``; ``FILE_UPLOAD_TEMP_DIR`` is not set) while it reads the request, before any view
runs; with that folder full the write raised ``OSError: [Errno 28] No space left on device`` out
of the CSRF check and the user saw the generic 500 page. :class:`SpaceAwareTemporaryFileUploadHandler`
catches that error, deletes what was written and drops the file (the rest of the form is read
as usual), logs one line without the file's name or contents, and marks the request; the view
then calls :func:`refuse_lost_uploads`, which puts the error on the form, so nothing is stored.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import tempfile
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise

logger = logging.getLogger("servicefit.uploads")

LOST_ATTRIBUTE = "servicefit_uploads_lost_for_space"
"""The request's set of form field names whose file was dropped for want of space."""


NO_SPACE_IMPORT = _(
    "The server has no space left to store the file. Nothing was imported; ask your administrator."
)
NO_SPACE_SAVED = _(
    "The server has no space left to store the file. Nothing was saved; ask your administrator."
)


def is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT}


class SpaceAwareTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler that drops a file it has no space to write."""

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        self.lost = False
        self.failed_to_open = False
        try:
            super().new_file(field_name, *args, **kwargs)
        except OSError as exc:
            if not is_no_space(exc):
                raise
            # Only a loss if the file is too large for memory: then its chunks come here.
            self.failed_to_open = True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.lost:
            return None
        if self.failed_to_open:
            self._lose(received=start)
            return None
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as exc:
            if not is_no_space(exc):
                raise
            self._lose(received=start)
            return None

    def file_complete(self, file_size: int) -> Any:
        if self.lost:
            return None  # nothing half-written reaches the form
        return super().file_complete(file_size)

    def _lose(self, *, received: int) -> None:
        self.lost = True
        if not self.failed_to_open:
            with contextlib.suppress(OSError):
                self.file.close()  # a NamedTemporaryFile: closing deletes it
        lost = getattr(self.request, LOST_ATTRIBUTE, None)
        if lost is None:
            lost = set()
            setattr(self.request, LOST_ATTRIBUTE, lost)
        lost.add(self.field_name)
        folder = settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()
        logger.error(
            "upload to %s refused: no space left on device in the upload folder %s after "
            "%d bytes; the file was dropped and nothing was stored (free space there, or point "
            "TMPDIR at a larger disk)",
            getattr(self.request, "path", "?"),
            folder,
            received,
        )


def refuse_lost_uploads(request: HttpRequest, form: forms.BaseForm, message: StrOrPromise) -> None:
    """Put ``message`` on each file field of ``form`` whose upload was dropped for want of
    space (instead of "This field is required.", or an optional field silently left empty),
    so that ``form.is_valid()`` is false and the view stores nothing."""
    lost = getattr(request, LOST_ATTRIBUTE, None)
    if not lost or not form.is_bound:
        return
    errors = form.errors  # validates the rest of the form first
    for name in sorted(lost):
        if name in form.fields:
            errors[name] = form.error_class([str(message)])
        else:
            errors[NON_FIELD_ERRORS] = form.error_class([str(message)], error_class="nonfield")
        if hasattr(form, "cleaned_data"):
            form.cleaned_data.pop(name, None)
