"""Pages of the chat: attachment downloads and a standalone chat page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chat import selectors
from common.errors import NotFound
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
        raise Http404("No attachment.")
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
