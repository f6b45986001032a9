"""The JSON shape of a chat message, shared by the WebSocket frames and the REST API."""

import json

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import serializers

from chat.models import BODY_MAX_LENGTH, Message, QuickReply
from chat.selectors import PAGE_MAX
from chat.system_messages import message_text
from common.serializers import MAX_ID, SingleValuesMixin


def version_url(negotiation_id: int, version: int | None) -> str | None:
    """Where a system message links to: the workspace showing that version of the order."""
    try:
        url = reverse("inquiries:workspace", args=[negotiation_id])
    except NoReverseMatch:
        return None
    return f"{url}?version={version}" if version else url


def shown_seq(message: Message, side: str | None = None) -> int:
    """The message's number for a side (None: staff, who see every message).

    Messages read through the selectors carry ``shown_seq``, their number for the reader.
    """
    if side is not None:
        return {"buyer": message.buyer_seq, "seller": message.seller_seq}.get(side) or message.seq
    return getattr(message, "shown_seq", None) or message.seq


def message_data(message: Message, side: str | None = None) -> dict:
    """The message as its reader sees it; ``side`` picks the numbering (docs/chat.md)."""
    sender = message.sender
    data = {
        "id": message.pk,
        "seq": shown_seq(message, side),
        "negotiation": message.negotiation_id,
        "kind": message.kind,
        "side": message.side or None,
        "sender": ({"id": sender.pk, "name": sender.display_name} if sender is not None else None),
        "body": message_text(message),
        "client_id": message.client_id or None,
        "created_at": message.created_at.isoformat(),
        "attachment": None,
        "order": None,
    }
    if message.attachment:
        data["attachment"] = {
            "name": message.attachment_name,
            "content_type": message.attachment_type,
            "size": message.attachment_size,
            "url": reverse("chat:attachment", args=[message.pk]),
        }
    if message.order_id:
        data["order"] = {
            "id": message.order_id,
            "version": message.order_version,
            "url": version_url(message.negotiation_id, message.order_version),
        }
    data["offer"] = offer_link(message)
    return data


def offer_link(message: Message) -> dict | None:
    """The offer an order event's message is about (issue 14 point 1): its card's address;
    ``card`` is true on the message that shows the card (the offer's making)."""
    event = message.order_event if message.order_event_id else None
    offer_id = event.data.get("offer") if event is not None else None
    if not offer_id:
        return None
    return {
        "id": offer_id,
        "card": event.type == "offer_made",
        "url": reverse("orders:offer_card", args=[message.order_id, offer_id]),
    }


def message_frames(message: Message) -> dict[str, str]:
    """The ``message`` frame as each audience reads it, JSON-encoded once for all sockets.

    Keys: ``buyer`` and ``seller`` (only the sides that may see it), ``staff`` (every message).
    A system message with a kind is rendered in every language: keys ``<audience>:<language>``
    (``frame_for`` picks a socket's); no query either way.
    """
    audiences = ["staff"] + [side for side in ("buyer", "seller") if message.audience in ("", side)]
    frames = {}
    for audience in audiences:
        side = None if audience == "staff" else audience
        frames[audience] = json.dumps({"type": "message", "message": message_data(message, side)})
        if message.system_kind:
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    frames[f"{audience}:{language}"] = json.dumps(
                        {"type": "message", "message": message_data(message, side)}
                    )
    return frames


def frame_for(frames: dict[str, str], audience: str, language: str) -> str | None:
    """The frame a socket of this audience (side or staff) and reader's language forwards."""
    return frames.get(f"{audience}:{language}") or frames.get(audience)


class _SenderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class _OrderLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(allow_null=True)


class _OfferLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    card = serializers.BooleanField(help_text="This message shows the offer's card.")
    url = serializers.CharField(help_text="The card as an HTML fragment (pages).")


class MessageSerializer(serializers.Serializer):
    """Output only: the same dict the WebSocket sends (``message_data``); fields for the schema."""

    id = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="1, 2, 3 … per conversation, without gaps.")
    negotiation = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Message.Kind.choices)
    side = serializers.CharField(allow_null=True)
    sender = _SenderSerializer(allow_null=True)
    body = serializers.CharField()
    client_id = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    attachment = _AttachmentSerializer(allow_null=True)
    order = _OrderLinkSerializer(allow_null=True, help_text="System messages: the order version.")
    offer = _OfferLinkSerializer(
        allow_null=True, help_text="System messages about an offer made in the chat."
    )

    def to_representation(self, instance):
        return message_data(instance, self.context.get("side"))


class MessagePageSerializer(serializers.Serializer):
    """One page of messages after a cursor (GET .../messages/)."""

    results = MessageSerializer(many=True)
    has_more = serializers.BooleanField(help_text="Ask again with after_id=next_after_id.")
    next_after_id = serializers.IntegerField(help_text="The cursor for the next page.")


class MessagePostSerializer(SingleValuesMixin, serializers.Serializer):
    body = serializers.CharField(
        max_length=BODY_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=True
    )
    client_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    attachment = serializers.FileField(required=False, allow_empty_file=False)


class ReadSerializer(serializers.Serializer):
    last_id = serializers.IntegerField(min_value=0, max_value=MAX_ID)


class MessageListQuerySerializer(serializers.Serializer):
    after_id = serializers.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        help_text="Messages after this id (default 0).",
    )
    before_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Messages before this id, to page back through the history (not with after_id).",
    )
    limit = serializers.IntegerField(min_value=1, max_value=PAGE_MAX, required=False, default=100)

    def validate(self, attrs):
        if "after_id" in attrs and "before_id" in attrs:
            raise serializers.ValidationError(
                {"before_id": [_("Send either after_id or before_id, not both.")]}
            )
        return attrs


class QuickReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = QuickReply
        fields = ("id", "title", "body", "created_at", "updated_at")
        read_only_fields = fields


class QuickReplyInputSerializer(serializers.Serializer):
    """Documents the body; the service checks every value (field-level errors)."""

    title = serializers.CharField(max_length=80, help_text="Unique within your company.")
    body = serializers.CharField(max_length=5000, help_text="The text inserted in the composer.")
