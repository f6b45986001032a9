from django import forms
from django.utils.translation import gettext_lazy as _

from chat.models import BODY_MAX_LENGTH, QUICK_REPLY_TITLE_MAX_LENGTH


class QuickReplyForm(forms.Form):
    """The page's fields; chat.quick_replies checks the values (one rule)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=QUICK_REPLY_TITLE_MAX_LENGTH,
        help_text=_("Shown on the button in the chat, e.g. “Lead time”."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Inserted into the message you are writing; you can edit it before sending."),
    )
