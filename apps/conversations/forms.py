from django import forms

from apps.conversations.models import MAX_MESSAGE_LENGTH


class MessageForm(forms.Form):
    # The length is checked by the service (with the count in its message); the
    # browser's own limit would cut a pasted text silently instead.
    body = forms.CharField(
        label="Message",
        strip=True,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Markdown works. Up to {MAX_MESSAGE_LENGTH:,} characters; no attachments. "
        "You can edit a message for 5 minutes after sending it.",
    )
