"""Private uploads (chat attachments, RFQ and quotation attachments, remittance slips).

One way in and one way out, for every app:

- in: ``attachment_content_type`` checks the content; the model's FileField uses
  ``storage=private_storage`` and ``upload_to=PrivateUploadTo(prefix, type_field)``, so the
  stored name is random and its extension follows the checked type, never the client's name
  (which the model keeps in a field of its own, for the download);
- out: ``private_file_response``, called by the view that checked access.

The private storage (``STORAGES["private"]``) is a folder the proxy does not serve, or an S3
bucket (django-storages) shared by every replica; see docs/deployment.md. Only public files
(product images) live in the default storage under MEDIA_URL.
"""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image

from common.errors import ValidationFailed

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}
PRIVATE_STORAGE_ALIAS = "private"
# A file opened on its own (not through the page that links it) can run nothing and load
# nothing; an image still renders.
FILE_CSP = "default-src 'none'; img-src 'self'; sandbox"


def attachment_content_type(upload: UploadedFile, *, field: str = "attachment") -> str:
    """The content type of an acceptable file, read from its content, never from its name.

    A PDF (starts with ``%PDF-``) or an image Pillow recognises and verifies (PNG, JPEG, GIF,
    WebP), not empty and at most ``settings.ATTACHMENT_MAX_BYTES``. Any client file name is
    fine: the stored name is random and ``original_name`` makes the label safe.
    Raises ValidationFailed({field: [...]}).
    """
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationFailed(
            {field: [_("The file is too large: at most %(limit)s MB.") % {"limit": limit}]}
        )
    if upload.size == 0:
        raise ValidationFailed({field: [_("The file is empty.")]})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception:  # Pillow raises many kinds of errors on files that are not images
        image_format = None
    finally:
        upload.seek(0)
    if image_format not in IMAGE_TYPES:
        raise ValidationFailed({field: [_("Attach a PDF or an image (PNG, JPEG, GIF or WebP).")]})
    return IMAGE_TYPES[image_format]


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT that no URL serves: files leave through the views only."""

    def url(self, name):
        raise ValueError("Private files have no URL: serve them with private_file_response().")


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private_storage = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def private_storage():
    """The storage of private uploads; a callable so that migrations do not freeze it."""
    return _private_storage


class _Fields(dict):
    def __init__(self, instance):
        super().__init__()
        self.instance = instance

    def __missing__(self, name):
        return getattr(self.instance, name)


@deconstructible
class PrivateUploadTo:
    """``upload_to`` of a private FileField: ``<prefix>/<random>.<extension of the type>``.

    ``prefix`` may name fields of the instance (``"chat/{negotiation_id}"``). ``type_field``
    names the field holding the type that attachment_content_type returned; it must be set
    before the file is saved. ``name_field`` holds the client's file name (original_name).
    """

    def __init__(self, prefix: str, type_field: str, name_field: str):
        self.prefix = prefix
        self.type_field = type_field
        self.name_field = name_field

    def __call__(self, instance, filename: str) -> str:
        content_type = getattr(instance, self.type_field)
        if content_type not in EXTENSIONS:
            raise ValueError(f"{self.type_field}={content_type!r}: check the upload first.")
        folder = self.prefix.format_map(_Fields(instance))
        return f"{folder}/{secrets.token_hex(16)}.{EXTENSIONS[content_type]}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and vars(self) == vars(other)


def original_name(upload: UploadedFile, *, default: str = "attachment") -> str:
    """The client's file name, made safe to keep as a label (at most 200 characters)."""
    try:
        name = get_valid_filename(PurePath(upload.name or "").name)
    except Exception:  # SuspiciousFileOperation for names like "<>" or ".."
        name = ""
    return (name or default)[-200:]


def download_name(name: str, content_type: str) -> str:
    """The name a download is saved under: the client's stem, the checked type's extension."""
    stem = PurePath(name or "attachment").stem or "attachment"
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


def private_file_response(file, *, name: str, content_type: str) -> HttpResponse:
    """Serves a private file to a user the calling view has already let in.

    With ``settings.PRIVATE_MEDIA_ACCEL_REDIRECT`` (the proxy's internal location, e.g.
    ``/_private/``) the proxy sends the file (X-Accel-Redirect); otherwise it is streamed from
    the storage. Images show inline, everything else downloads; never sniffed, sandboxed.
    """
    inline = content_type in IMAGE_TYPES.values()
    internal = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
    if internal:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{internal.rstrip('/')}/{file.name}"
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        not inline, download_name(name, content_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, max-age=3600"
    return response
