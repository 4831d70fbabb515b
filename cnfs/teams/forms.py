from cnfs.activity.forms import ShareForm


class AdvisorEmailForm(ShareForm):
    """An advisor in post, found by the email of their account (`form.advisor` once valid)."""

    def __init__(self, *args, label: str, help_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = label
        self.fields["email"].help_text = help_text
