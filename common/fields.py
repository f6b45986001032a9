"""Raw input (form strings, JSON values) checked by the model fields that will store it.

Services clean their input here, so the database, the pages and the API share one definition
of each field: its type, length, choices and validators.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _


def clean_value(model_field, value):
    """One value through its model field; empty input becomes None or "" as the field stores it.

    Raises django.core.exceptions.ValidationError.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None if model_field.null else ""
    if isinstance(value, str):
        value = value.strip()
    if isinstance(value, float):
        # Money never passes through float: a JSON number is re-read from its repr.
        value = str(value)
    value = model_field.clean(value, None)
    if isinstance(model_field, models.TextField) and model_field.max_length:
        # A TextField's max_length binds only its form widget, not Field.clean().
        MaxLengthValidator(model_field.max_length)(value)
    return value


def clean_fields(model, names, values: dict) -> tuple[dict, dict]:
    """``(cleaned, errors)`` for the named fields of ``model``; errors are field-level lists.

    A field that may not be blank is required; an empty one with a default takes the default.
    """
    cleaned, errors = {}, {}
    for name in names:
        model_field = model._meta.get_field(name)
        try:
            value = clean_value(model_field, values.get(name))
        except ValidationError as exc:
            errors[name] = list(exc.messages)
            continue
        if value in (None, ""):
            if model_field.has_default():
                value = model_field.get_default()
            elif not model_field.blank:
                errors[name] = [_("This field is required.")]
                continue
        cleaned[name] = value
    return cleaned, errors
