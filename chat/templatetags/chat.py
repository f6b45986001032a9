from django import template
from django.urls import reverse

from chat import selectors
from inquiries.selectors import negotiation_side

register = template.Library()


@register.simple_tag
def chat_pane_state(negotiation, user) -> dict:
    """What the chat pane needs to start: the user's side, the counterpart, the unread count.

    Two queries (read marker, unread count); the messages themselves come over the socket.
    """
    side = negotiation_side(user, negotiation)
    if side == "buyer":
        counterpart = negotiation.seller_company.legal_name
    elif side == "seller":
        counterpart = negotiation.buyer_company.legal_name
    else:
        counterpart = ""
    return {
        "side": side or "",
        "can_write": side is not None,
        "counterpart": counterpart,
        "last_read": selectors.read_marker_of(user=user, negotiation_id=negotiation.pk),
        "unread": selectors.unread_counts(user=user, negotiation_ids=[negotiation.pk]).get(
            negotiation.pk, 0
        ),
        "socket_path": f"/ws/negotiations/{negotiation.pk}/chat/",
        "messages_url": reverse("chat-messages", args=[negotiation.pk]),
    }
