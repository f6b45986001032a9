"""Query-string filters of list endpoints, checked like request bodies.

Each list endpoint declares its filters as a serializer (types, ranges, choices), which the
OpenAPI schema documents as query parameters (``extend_schema(parameters=[TheSerializer])``);
a wrong type or an unknown choice is a 400 with field-level errors, never ignored.
"""

from rest_framework import serializers


def query_params(serializer_class, request) -> dict:
    """The filters in the query string, checked: ``?state=`` is a wrong state, not no filter.

    Read as plain values rather than as a form (where DRF takes an empty field as left out);
    a parameter given twice counts once, its last value, unless the field takes several.
    """
    fields = serializer_class().fields
    data = {
        name: values
        if isinstance(fields.get(name), serializers.ListField | serializers.MultipleChoiceField)
        else values[-1]
        for name, values in request.query_params.lists()
        if name in fields
    }
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return {
        name: value for name, value in serializer.validated_data.items() if value not in (None, "")
    }


class QuantityFilterField(serializers.DecimalField):
    """A quantity bound: the stored precision of quantities (14 digits, 3 decimals), >= 0."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_digits=14, decimal_places=3, min_value=0, **kwargs)
