"""REST API for the catalog under /api/v1/: products with their tiers, MOQ and currency."""

from django.db.models import Prefetch
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog import serializers as s
from catalog.models import PriceTier
from common.filters import query_params

TIERS = Prefetch("price_tiers", queryset=PriceTier.objects.order_by("min_quantity"))


class ProductListApi(ListAPIView):
    serializer_class = s.ProductSerializer

    def get_queryset(self):
        filters = query_params(s.ProductFilterSerializer, self.request)
        return selectors.products_for_catalog(
            search=filters.get("q", ""),
            category_slug=filters.get("category", ""),
            seller_id=filters.get("seller"),
        ).prefetch_related(TIERS)

    @extend_schema(
        summary="Active products, by name, with tiers, MOQ and currency",
        parameters=[s.ProductFilterSerializer],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProductDetailApi(APIView):
    @extend_schema(summary="One product with its tiers", responses=s.ProductSerializer)
    def get(self, request, product_id: int):
        product = selectors.product_get_for_user(user=request.user, product_id=product_id)
        return Response(s.ProductSerializer(product).data)


urlpatterns = [
    path("products/", ProductListApi.as_view(), name="api-products"),
    path("products/<int:product_id>/", ProductDetailApi.as_view(), name="api-product-detail"),
]
