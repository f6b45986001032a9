from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Side
from catalog import selectors
from catalog.forms import ProductSearchForm, QuantityForm
from common.errors import NotFound, ValidationFailed

PRODUCTS_PER_PAGE = 12


def _product_or_404(request, product_id: int):
    try:
        return selectors.product_get_for_user(user=request.user, product_id=product_id)
    except NotFound:
        raise Http404()


@require_GET
def product_list(request):
    categories = list(selectors.categories())
    form = ProductSearchForm(request.GET or None, categories=categories)
    search = category = ""
    if form.is_valid():
        search, category = form.cleaned_data["q"], form.cleaned_data["category"]
    products = selectors.products_for_catalog(search=search, category_slug=category)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/product_list.html",
        {"form": form, "page": page, "products": page.object_list, "searching": bool(search)},
    )


@require_GET
def product_detail(request, product_id: int):
    product = _product_or_404(request, product_id)
    user = request.user
    context = {
        "product": product,
        "tiers": list(product.price_tiers.all()),
        # The entry points lead to the buyer's flows; anonymous visitors are sent to log in.
        "show_buyer_actions": not user.is_authenticated or user.side == Side.BUYER,
        "quantity_form": QuantityForm(initial={"quantity": f"{product.moq.normalize():f}"}),
    }
    return render(request, "catalog/product_detail.html", context)


@require_GET
def price_quote(request, product_id: int):
    """HTML fragment with the unit price and line total for ?quantity=N (for HTMX)."""
    product = _product_or_404(request, product_id)
    form = QuantityForm(request.GET)
    quote = None
    errors = []
    if form.is_valid():
        try:
            quote = selectors.product_price_quote(
                product=product, quantity=form.cleaned_data["quantity"]
            )
        except ValidationFailed as exc:
            errors = [message for messages in exc.errors.values() for message in messages]
    else:
        errors = form.errors.get("quantity", [])
    return render(
        request,
        "catalog/partials/price_quote.html",
        {"product": product, "quote": quote, "errors": errors},
    )
