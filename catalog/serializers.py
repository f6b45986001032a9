"""Output shapes of the catalog API (read only: sellers edit products in the admin)."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from catalog.models import Category, PriceTier, Product
from common.serializers import IdField, PriceField


class ProductFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, required=False, help_text="Words in the name, description or seller."
    )
    category = serializers.SlugField(max_length=50, required=False, help_text="A category slug.")
    seller = IdField(required=False, help_text="A seller company's id.")


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "name", "slug")


class SellerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    country = CountryField()
    verified = serializers.BooleanField()


class PriceTierSerializer(serializers.ModelSerializer):
    unit_price = PriceField(currency="product.currency")

    class Meta:
        model = PriceTier
        fields = ("min_quantity", "unit_price")


class ProductSerializer(serializers.ModelSerializer):
    seller = SellerSerializer()
    category = CategorySerializer()
    tiers = PriceTierSerializer(
        source="price_tiers",
        many=True,
        help_text="Unit price from each minimum quantity up to the next tier's; Start Order "
        "and drafts take the price of the tier the quantity falls in.",
    )

    class Meta:
        model = Product
        fields = (
            "id",
            "name",
            "description",
            "category",
            "seller",
            "unit",
            "moq",
            "currency",
            "lead_time_days",
            "sample_available",
            "hs_code",
            "active",
            "tiers",
        )
        extra_kwargs = {"moq": {"help_text": "Minimum order quantity, in the product's unit."}}
