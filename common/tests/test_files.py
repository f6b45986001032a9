"""Private uploads: random names typed by content, a storage nobody serves, guarded responses."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.files import (
    FILE_CSP,
    PrivateUploadTo,
    attachment_content_type,
    original_name,
    private_file_response,
    private_storage,
)


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format="GIF")
    return buffer.getvalue()


def test_a_stored_name_is_random_and_follows_the_checked_type_not_the_clients_name():
    upload = SimpleUploadedFile("poly.html", gif_bytes(), content_type="text/html")
    instance = SimpleNamespace(content_type=attachment_content_type(upload), rfq_id=7)
    upload_to = PrivateUploadTo("rfq/{rfq_id}", "content_type", "name")
    first, second = upload_to(instance, "poly.html"), upload_to(instance, "poly.html")
    assert first.startswith("rfq/7/") and first.endswith(".gif")
    assert "poly" not in first and "html" not in first
    assert first != second


def test_an_unchecked_type_is_never_stored():
    with pytest.raises(ValueError):
        PrivateUploadTo("rfq", "content_type", "name")(
            SimpleNamespace(content_type="text/html"), "x"
        )


def test_suspicious_client_names_become_a_plain_label():
    assert original_name(SimpleNamespace(name="../../etc/slip.pdf")) == "slip.pdf"
    assert original_name(SimpleNamespace(name="<>")) == "attachment"
    assert original_name(SimpleNamespace(name=None)) == "attachment"


def test_private_files_have_no_url_and_live_outside_media_root(settings):
    name = private_storage().save("t/x.pdf", ContentFile(b"%PDF-"))
    with pytest.raises(ValueError):
        private_storage().url(name)
    assert not private_storage().path(name).startswith(str(settings.MEDIA_ROOT))


def _stored(data: bytes, name="t/x.bin"):
    storage = private_storage()
    return storage.open(storage.save(name, ContentFile(data)))


def test_a_pdf_downloads_streamed_with_nosniff_and_a_sandbox():
    response = private_file_response(
        _stored(b"%PDF-1.4"), name="remittance.html", content_type="application/pdf"
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="remittance.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert "sandbox" in FILE_CSP


def test_an_image_shows_inline():
    response = private_file_response(_stored(gif_bytes()), name="a.gif", content_type="image/gif")
    assert response["Content-Disposition"] == 'inline; filename="a.gif"'
    assert response["Content-Security-Policy"] == FILE_CSP


def test_with_an_internal_location_the_proxy_sends_the_file(settings):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    file = _stored(b"%PDF-1.4", name="payments/slips/abc.pdf")
    response = private_file_response(file, name="slip.pdf", content_type="application/pdf")
    assert response["X-Accel-Redirect"] == f"/_private/{file.name}"
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="slip.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
