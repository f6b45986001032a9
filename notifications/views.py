from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import NotFound, ValidationFailed
from notifications import selectors, services


@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_for_user(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
def bell(request):
    """The unread count for the bell in the navigation, loaded by htmx after the page."""
    return render(
        request, "notifications/bell.html", {"unread": selectors.unread_count(request.user)}
    )


@login_required
@require_POST
def mark_read(request, notification_id: int):
    """Marks one read, then follows its link (when it is a link inside this site)."""
    try:
        notification = services.notification_mark_read(
            actor=request.user, notification_id=notification_id
        )
    except NotFound:
        raise Http404 from None
    if request.POST.get("follow") and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        try:
            services.notification_preferences_set(
                actor=request.user, email_kinds=request.POST.getlist("email")
            )
        except ValidationFailed as exc:
            return render(
                request,
                "notifications/preferences.html",
                {"kinds": selectors.email_preferences(request.user), "errors": exc.errors},
                status=400,
            )
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"kinds": selectors.email_preferences(request.user)},
    )
