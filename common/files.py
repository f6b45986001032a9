"""Uploaded files (chat attachments, RFQ and quotation attachments, remittance slips)."""

import os

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image

from common.errors import ValidationFailed

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


def attachment_content_type(upload: UploadedFile, *, field: str = "attachment") -> str:
    """The content type of an acceptable file, read from its content, never from its name.

    A PDF (starts with ``%PDF-``) or an image Pillow recognises and verifies (PNG, JPEG, GIF,
    WebP), not empty and at most ``settings.ATTACHMENT_MAX_BYTES``, under a name a file can be
    stored by (``<>`` cannot). Raises ValidationFailed({field: [...]}).
    """
    try:
        get_valid_filename(os.path.basename(upload.name or ""))
    except SuspiciousFileOperation:
        raise ValidationFailed(
            {field: [_("The file name has no usable characters: rename the file and retry.")]}
        ) from None
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
