from rest_framework import serializers


class RateSerializer(serializers.Serializer):
    """A rate used for a conversion: one ``base`` is worth ``rate`` ``quote``, as of ``date``."""

    base = serializers.CharField()
    quote = serializers.CharField()
    rate = serializers.DecimalField(max_digits=24, decimal_places=10, coerce_to_string=True)
    date = serializers.DateField()
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=["ecb", "ecb-history", "manual"]),
        help_text="Where the rate comes from (a cross rate through the euro may have two); "
        "empty for a currency into itself.",
    )
