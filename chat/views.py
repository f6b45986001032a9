"""Pages of the chat: attachment downloads, a standalone chat page, a seller's quick replies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.models import Side
from chat import quick_replies, selectors
from chat.forms import QuickReplyForm
from common.errors import NotAllowed, NotFound, ValidationFailed
from common.files import private_file_response


@login_required
@require_GET
def attachment(request, message_id: int):
    """Serves an attachment to the members of the two companies (and staff); others: 404."""
    try:
        message = selectors.message_get_for_user(user=request.user, message_id=message_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not message.attachment:
        raise Http404(_("No attachment."))
    # Images show inline; PDFs download, so no viewer runs them in the portal's origin.
    return private_file_response(
        message.attachment, name=message.attachment_name, content_type=message.attachment_type
    )


@login_required
@require_GET
def conversation(request, negotiation_id: int):
    """The chat pane alone on a page (the workspace shows it in its right pane)."""
    try:
        negotiation = selectors.conversation_get_for_user(
            user=request.user, negotiation_id=negotiation_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "chat/conversation.html", {"negotiation": negotiation})


def _quick_replies_page(request, *, form=None, editing=None, edit_form=None, status=200):
    return render(
        request,
        "chat/quick_replies.html",
        {
            "quick_replies": selectors.quick_replies_for_user(request.user),
            "form": form or QuickReplyForm(),
            "editing": editing,
            "edit_form": edit_form,
        },
        status=status,
    )


def _sellers_only(request) -> None:
    if request.user.side != Side.SELLER:
        raise Http404(_("Quick replies are for sellers."))


@login_required
@require_http_methods(["GET", "POST"])
def quick_reply_list(request):
    """A seller's saved snippets: the list and a form to add one."""
    _sellers_only(request)
    if request.method == "GET":
        return _quick_replies_page(request)
    form = QuickReplyForm(request.POST)
    if form.is_valid():
        try:
            quick_replies.quick_reply_create(actor=request.user, values=form.cleaned_data)
        except ValidationFailed as exc:
            add_service_errors(exc.errors, [form])
        else:
            messages.success(request, _("The quick reply was saved."))
            return redirect("chat:quick_replies")
    return _quick_replies_page(request, form=form, status=400)


@login_required
@require_GET
def quick_reply_menu(request):
    """The composer's list of quick replies (an htmx fragment, loaded on the first click)."""
    _sellers_only(request)
    return render(
        request,
        "chat/partials/quick_reply_menu.html",
        {"quick_replies": selectors.quick_replies_for_user(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quick_reply_edit(request, quick_reply_id: int):
    _sellers_only(request)
    try:
        quick_reply = selectors.quick_reply_get_for_user(
            user=request.user, quick_reply_id=quick_reply_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.method == "GET":
        edit_form = QuickReplyForm(initial={"title": quick_reply.title, "body": quick_reply.body})
        return _quick_replies_page(request, editing=quick_reply, edit_form=edit_form)
    edit_form = QuickReplyForm(request.POST)
    if edit_form.is_valid():
        try:
            quick_replies.quick_reply_update(
                actor=request.user, quick_reply_id=quick_reply.pk, values=edit_form.cleaned_data
            )
        except ValidationFailed as exc:
            add_service_errors(exc.errors, [edit_form])
        else:
            messages.success(request, _("The quick reply was saved."))
            return redirect("chat:quick_replies")
    return _quick_replies_page(request, editing=quick_reply, edit_form=edit_form, status=400)


@login_required
@require_POST
def quick_reply_delete(request, quick_reply_id: int):
    try:
        quick_replies.quick_reply_delete(actor=request.user, quick_reply_id=quick_reply_id)
    except (NotFound, NotAllowed):
        raise Http404 from None
    messages.success(request, _("The quick reply was removed."))
    return redirect("chat:quick_replies")
