"""Pages: the contract PDF download (the parties) and the public verification page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import NotFound, RateLimited, ValidationFailed
from common.files import private_file_response
from common.ratelimit import client_address
from contracts import selectors


@login_required
@require_GET
def download(request, order_id: int, contract_id: int):
    try:
        contract = selectors.contract_get_for_user(
            user=request.user, order_id=order_id, contract_id=contract_id
        )
    except NotFound:
        raise Http404 from None
    return private_file_response(
        contract.file, name=contract.download_name, content_type="application/pdf"
    )


@require_http_methods(["GET", "POST"])
def verify(request, token: str = ""):
    """No login: the QR link's token (GET), or an uploaded PDF (POST)."""
    context, status = {"token": token}, 200
    try:
        if request.method == "POST":
            context["result"] = selectors.contract_verify_file(
                upload=request.FILES.get("file"), address=client_address(request)
            )
        elif token:
            context["result"] = selectors.contract_verify_token(
                token=token, address=client_address(request)
            )
    except ValidationFailed as exc:
        context["errors"], status = exc.errors, 400
    except RateLimited as exc:
        context["limited"], status = exc, 429
    response = render(request, "contracts/verify.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["limited"].retry_after)
    # The page says only whether a seal exists; no search engine should keep it.
    response["X-Robots-Tag"] = "noindex"
    # The token is in the URL: it is never sent to another site (forms here post same-origin).
    response["Referrer-Policy"] = "same-origin"
    return response
