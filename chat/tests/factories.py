"""Chat data built through the services, so seq, markers and idempotency stay real."""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chat import services


def post(negotiation, user, body="Hello", client_id=None):
    message, _created = services.message_post(
        negotiation_id=negotiation.pk,
        actor=user,
        body=body,
        client_id=client_id or uuid.uuid4().hex,
    )
    return message


def png_upload(name="photo.png", size=(4, 4)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="spec.pdf") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")
