"""Helpers for URLconfs with and without the product page's buyer entry points.

The real targets (``inquiries:contact_supplier``, ``orders:start``) belong to other apps; these
let the catalog tests pin down both cases whatever those apps define at the time.
"""

from django.http import HttpResponse
from django.urls import include, path

from negotiation_portal import urls as root_urls

ENTRY_POINTS = {"inquiries": "contact_supplier", "orders": "start"}


def _target(request, pk):
    return HttpResponse(f"entry point for product {pk}")


def root_with(namespaces: dict) -> list:
    patterns = []
    for pattern in root_urls.urlpatterns:
        namespace = getattr(pattern, "namespace", None)
        if namespace in namespaces:
            pattern = path(str(pattern.pattern), include((namespaces[namespace], namespace)))
        patterns.append(pattern)
    return patterns


def without_entry_point(module, namespace: str) -> list:
    return [p for p in module.urlpatterns if getattr(p, "name", None) != ENTRY_POINTS[namespace]]


def with_entry_point(module, namespace: str) -> list:
    stub = path(f"entry-point/<int:pk>/{namespace}/", _target, name=ENTRY_POINTS[namespace])
    return [stub, *without_entry_point(module, namespace)]
