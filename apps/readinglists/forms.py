from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import SingleLineCharField
from apps.core.text import validate_single_line
from apps.readinglists.bibtex import MAX_ENTRIES, MAX_PASTE_BYTES, MAX_UPLOAD_BYTES
from apps.readinglists.identifiers import normalize_arxiv, normalize_doi, normalize_isbn
from apps.readinglists.models import Item, ReadingList, ReviewCard, Topic

TAG_HELP = "Comma-separated, e.g. “reinforcement learning, bandits”."


class ReadingListForm(forms.Form):
    title = SingleLineCharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
        help_text="Markdown.",
    )  # fmt: skip
    topic_tags = SingleLineCharField(label="Topics", required=False, help_text=TAG_HELP)
    method_tags = SingleLineCharField(
        label="Method families",
        required=False,
        help_text="e.g. “policy gradient, value-based”: know the families, not only papers.",
    )
    visibility = forms.ChoiceField(choices=ReadingList.Visibility.choices)
    is_ordered = forms.BooleanField(label="Ordered (a curriculum: read in order)", required=False)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(choices=Item.Kind.choices)
    title = SingleLineCharField(max_length=500)
    authors = forms.CharField(
        required=False,
        help_text="One per line, in order.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    year = forms.IntegerField(required=False, min_value=1500, max_value=2200)
    venue = SingleLineCharField(required=False, max_length=300)
    doi = SingleLineCharField(label="DOI", required=False, max_length=200)
    arxiv_id = SingleLineCharField(label="arXiv id", required=False, max_length=80)
    isbn = SingleLineCharField(label="ISBN", required=False, max_length=40)
    url = forms.URLField(
        label="URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[validate_single_line],
    )
    abstract = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tags = SingleLineCharField(required=False, help_text=TAG_HELP)
    importance = forms.ChoiceField(choices=Item.Importance.choices, initial="recommended")

    def clean_authors(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["authors"].splitlines() if a.strip()]

    def clean_doi(self) -> str:
        raw = self.cleaned_data["doi"].strip()
        doi = normalize_doi(raw)
        if raw and not doi:
            raise ValidationError("This is not a DOI (it should look like 10.1234/abcd).")
        return doi

    def clean_arxiv_id(self) -> str:
        raw = self.cleaned_data["arxiv_id"].strip()
        value = normalize_arxiv(raw)
        if raw and not value:
            raise ValidationError("This is not an arXiv id (e.g. 1706.03762).")
        return value

    def clean_isbn(self) -> str:
        raw = self.cleaned_data["isbn"].strip()
        value = normalize_isbn(raw)
        if raw and not value:
            raise ValidationError("This ISBN's check digit is wrong.")
        return value

    def clean_tags(self) -> list[str]:
        return [t for t in self.cleaned_data["tags"].split(",") if t.strip()]


class BibtexImportForm(forms.Form):
    file = forms.FileField(
        label="BibTeX file (.bib)",
        required=False,
        help_text=f"Up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB and {MAX_ENTRIES:,} entries.",
    )
    text = forms.CharField(
        label="…or paste BibTeX", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        upload = data.get("file")
        text = data.get("text") or ""
        if not upload and not text.strip():
            raise ValidationError("Choose a .bib file or paste BibTeX.")
        limit = MAX_UPLOAD_BYTES // 1024 // 1024
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {limit} MB per "
                "upload. Split it into smaller files."
            )
        if len(text.encode()) > MAX_PASTE_BYTES:
            raise ValidationError(
                "The pasted text is over 2 MB; upload it as a .bib file or split it."
            )
        return data


class IdentifierPasteForm(forms.Form):
    identifiers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line: DOIs, arXiv ids or URLs, ISBNs.",
    )


class ProgressForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[("", "—")] + [(i, "★" * i) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    notes = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Private notes (Markdown).",
    )  # fmt: skip
    summary = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="In your own words (Markdown). Saving one marks the item summarised.",
    )  # fmt: skip


class AssignForm(forms.Form):
    mentee = forms.TypedChoiceField(coerce=int, choices=())
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, mentees=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].choices = [(m.pk, m.name) for m in mentees]  # type: ignore[attr-defined]


class CardForm(forms.Form):
    topic = forms.ChoiceField(choices=Topic.choices)
    kind = forms.ChoiceField(choices=ReviewCard.Kind.choices)
    prompt = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(
        max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reading_item = forms.TypedChoiceField(
        label="Linked reading item", coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args, items=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(i.pk, i.title[:80]) for i in items]
        self.fields["reading_item"].choices = choices  # type: ignore[attr-defined]


class CardEditForm(forms.Form):
    prompt = forms.CharField(
        label="Front", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown; formulas in $…$ or $$…$$.",
    )  # fmt: skip
    answer = forms.CharField(
        label="Back", max_length=8000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    topic = forms.ChoiceField(choices=Topic.choices)


class CardFilterForm(forms.Form):
    """The card list's filters; anything unknown falls back to showing everything."""

    STATES = (("all", "All cards"), ("due", "Due now"), ("suspended", "Suspended"))

    q = SingleLineCharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    topic = forms.ChoiceField(choices=[("", "All topics"), *Topic.choices], required=False)
    state = forms.ChoiceField(choices=STATES, required=False)


class CardImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or TSV file",
        help_text="Columns: front, back, topic (a header row is optional). UTF-8, up to 1 MB "
        "and 2,000 cards.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv"}),
    )


class ReviewSettingsForm(forms.Form):
    desired_retention = forms.FloatField(
        min_value=0.7,
        max_value=0.97,
        help_text="Share of cards you aim to remember (0.70 to 0.97). Higher means more reviews.",
    )
