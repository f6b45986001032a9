"""Moves private uploads stored before the private storage existed out of the served media.

Earlier releases kept remittance slips and RFQ, quotation and chat attachments in the default
(public, proxy-served) storage, under the client's file name. For every private file field
(one whose upload_to is common.files.PrivateUploadTo) this command copies each file still
found in the default storage into the private storage under a random name typed by its
content, records the type and the client's name, and deletes the public copy. Safe to run
again: files already in the private storage are left alone.
"""

from pathlib import PurePath

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models

from common.errors import ValidationFailed
from common.files import PrivateUploadTo, attachment_content_type, private_storage


def private_file_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and isinstance(field.upload_to, PrivateUploadTo):
                yield model, field


class Command(BaseCommand):
    help = "Moves private uploads from the served media folder into the private storage."

    def handle(self, *args, **options):
        moved = refused = missing = 0
        for model, field in private_file_fields():
            rule = field.upload_to
            rows = model._default_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            for row in rows.iterator():
                old_name = getattr(row, field.name).name
                if private_storage().exists(old_name):
                    continue
                if not default_storage.exists(old_name):
                    missing += 1
                    self.stderr.write(f"{model._meta.label} {row.pk}: {old_name} is missing")
                    continue
                label = PurePath(old_name).name
                with default_storage.open(old_name, "rb") as handle:
                    content = File(handle, name=label)
                    try:
                        content_type = attachment_content_type(content)
                    except ValidationFailed:
                        refused += 1
                        self.stderr.write(
                            f"{model._meta.label} {row.pk}: {old_name} is not a PDF or an "
                            "image; left where it is"
                        )
                        continue
                    setattr(row, rule.type_field, content_type)
                    if not getattr(row, rule.name_field):
                        setattr(row, rule.name_field, label[-200:])
                    getattr(row, field.name).save(label, content, save=False)
                row.save(update_fields=[field.name, rule.type_field, rule.name_field])
                default_storage.delete(old_name)
                moved += 1
        self.stdout.write(f"moved {moved}, refused {refused}, missing {missing}")
