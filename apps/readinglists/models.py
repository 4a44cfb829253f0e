from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

OTHERS = "others"  # BibTeX's "and others"


def authors_display(names: list[str], limit: int = 3) -> str:
    """'A, B, C et al.' for long lists and for lists ending in BibTeX's "others"."""
    truncated = bool(names) and names[-1] == OTHERS
    shown = names[:-1] if truncated else list(names)
    if len(shown) > limit:
        shown, truncated = shown[:limit], True
    text = ", ".join(shown)
    if not truncated:
        return text
    return f"{text} et al." if text else "et al."


class ReadingList(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Only me (and mentors I share reading with)"
        MENTEES = "mentees", "My mentees"
        # Everyone in a cohort of a programme the owner belongs to, and its coordinators.
        PROGRAMME = "programme", "My programme"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_lists"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5000, blank=True)
    topic_tags = models.JSONField(default=list, blank=True)
    method_tags = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    is_ordered = models.BooleanField(
        default=False, help_text="Read the items in order, like a curriculum."
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="rl_list_owner_updated")]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        BOOK = "book", "Book"
        CHAPTER = "chapter", "Chapter"
        COURSE = "course", "Course"
        VIDEO = "video", "Lecture / video"
        BLOG = "blog", "Blog post"

    class Importance(models.TextChoices):
        ESSENTIAL = "essential", "Essential"
        RECOMMENDED = "recommended", "Recommended"
        OPTIONAL = "optional", "Optional"

    class Enrichment(models.TextChoices):
        NONE = "", "Not requested"
        PENDING = "pending", "Fetching metadata"
        DONE = "done", "Metadata fetched"
        FAILED = "failed", "Metadata lookup failed"

    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PAPER)
    title = models.CharField(max_length=500)
    authors = models.JSONField(default=list, blank=True)  # ordered display names
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    doi = models.CharField(max_length=200, blank=True)
    arxiv_id = models.CharField(max_length=40, blank=True)
    isbn = models.CharField(max_length=13, blank=True)
    url = models.URLField(max_length=500, blank=True)
    abstract = models.TextField(max_length=20000, blank=True)
    tags = models.JSONField(default=list, blank=True)
    importance = models.CharField(
        max_length=12, choices=Importance.choices, default=Importance.RECOMMENDED
    )
    # Kept so that a BibTeX export round-trips to the same entries.
    bibtex_key = models.CharField(max_length=200, blank=True)
    bibtex_type = models.CharField(max_length=40, blank=True)
    # The BibTeX field the venue was read from (journal, booktitle, publisher, ...).
    venue_field = models.CharField(max_length=20, blank=True)
    extra_fields = models.JSONField(default=dict, blank=True)
    enrichment_status = models.CharField(
        max_length=8, choices=Enrichment.choices, default=Enrichment.NONE, blank=True
    )
    enrichment_error = models.CharField(max_length=500, blank=True)
    enriched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # Duplicates are detected by normalised identifier within one list.
            models.UniqueConstraint(
                fields=["reading_list", "doi"], condition=~Q(doi=""), name="rl_item_unique_doi"
            ),
            models.UniqueConstraint(
                fields=["reading_list", "arxiv_id"],
                condition=~Q(arxiv_id=""),
                name="rl_item_unique_arxiv",
            ),
            # An ISBN identifies a book; the papers of one proceedings volume share it.
            models.UniqueConstraint(
                fields=["reading_list", "isbn"],
                condition=~Q(isbn="") & Q(kind="book"),
                name="rl_item_unique_book_isbn",
            ),
        ]
        indexes = [models.Index(fields=["reading_list", "position"], name="rl_item_list_pos")]

    def __str__(self) -> str:
        return self.title

    @property
    def authors_display(self) -> str:
        return authors_display(self.authors or [])

    @property
    def link(self) -> str:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        return self.url


class ReadingStatus(models.TextChoices):
    TO_READ = "to_read", "To read"
    READING = "reading", "Reading"
    READ = "read", "Read"
    SUMMARISED = "summarised", "Summarised"


class Progress(models.Model):
    """One reader's progress on one item; absent row means "to read"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(
        max_length=12, choices=ReadingStatus.choices, default=ReadingStatus.TO_READ
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summarised_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(max_length=20000, blank=True)
    summary = models.TextField(max_length=20000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="rl_progress_one_per_reader")
        ]
        indexes = [models.Index(fields=["user", "status"], name="rl_progress_user_status")]

    def __str__(self) -> str:
        return f"{self.user} · {self.item} · {self.status}"


class Assignment(models.Model):
    reading_list = models.ForeignKey(
        ReadingList, on_delete=models.CASCADE, related_name="assignments"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading_list", "mentee"], name="rl_assignment_once_per_mentee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reading_list} → {self.mentee}"


class ImportDraft(models.Model):
    """A parsed BibTeX upload waiting for the owner to confirm the preview."""

    reading_list = models.ForeignKey(
        ReadingList, on_delete=models.CASCADE, related_name="import_drafts"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    filename = models.CharField(max_length=255, blank=True)
    failures = models.JSONField(default=list)  # {"key", "line", "message"}, first ones
    failure_count = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list)  # entries imported with a repair, parents
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Import into {self.reading_list_id}"


class ImportCandidate(models.Model):
    """One valid entry of a draft, with what it resembles and the owner's choice."""

    class Decision(models.TextChoices):
        IMPORT = "import", "Import anyway"
        SKIP = "skip", "Skip"
        MERGE = "merge", "Merge identifiers into the existing item"

    class Match(models.TextChoices):
        NONE = "", "No match"
        DOI = "doi", "same DOI"
        ARXIV = "arxiv", "same arXiv id"
        ISBN = "isbn", "same ISBN"
        TITLE = "title", "same title and year"

    draft = models.ForeignKey(ImportDraft, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField()
    data = models.JSONField()  # normalised Item fields
    match = models.CharField(max_length=8, choices=Match.choices, blank=True)
    match_item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The key of an earlier entry of the same upload that it resembles.
    match_entry = models.CharField(max_length=200, blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.IMPORT)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "position"], name="rl_candidate_position")
        ]

    def __str__(self) -> str:
        return str(self.data.get("title", ""))

    @property
    def authors_display(self) -> str:
        return authors_display(self.data.get("authors") or [])

    @property
    def choices(self) -> list[str]:
        """Decisions that make sense: the list holds one item per DOI or arXiv id."""
        if not self.match:
            return [self.Decision.IMPORT]
        options: list[str] = [self.Decision.SKIP]
        if self.match == self.Match.TITLE:
            options.insert(0, self.Decision.IMPORT)
        if self.match_item_id:
            options.append(self.Decision.MERGE)
        return options


# --- Maths foundations review ------------------------------------------------------


class Topic(models.TextChoices):
    LINEAR_ALGEBRA = "linear_algebra", "Linear algebra"
    PROBABILITY = "probability", "Probability"
    STATISTICS = "statistics", "Statistics"
    CALCULUS = "calculus", "Calculus"
    OPTIMISATION = "optimisation", "Optimisation"
    INFORMATION_THEORY = "information_theory", "Information theory"
    LEARNING_THEORY = "learning_theory", "Learning theory"
    OTHER = "other", "Other"


class ReviewCard(models.Model):
    """A card and its FSRS memory state (the columns of ``fsrs.Card``)."""

    class Kind(models.TextChoices):
        QA = "qa", "Question and answer"
        TASK = "task", "Task"

    class State(models.IntegerChoices):
        # Values match fsrs.State.
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    topic = models.CharField(max_length=24, choices=Topic.choices, default=Topic.OTHER)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.QA)
    prompt = models.TextField(max_length=4000)
    answer = models.TextField(max_length=8000, blank=True)
    reading_item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_cards"
    )
    # Set on cards copied from the built-in deck, so adding the deck twice is harmless.
    starter_key = models.CharField(max_length=64, blank=True)
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    # A suspended card keeps its memory state but is never due until unsuspended.
    suspended = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "starter_key"],
                condition=~Q(starter_key=""),
                name="rl_card_starter_once",
            )
        ]
        # The review session and the due counter both read "my cards due before now";
        # the hourly nudge reads everyone's, a few thousand of the whole table.
        indexes = [
            models.Index(fields=["owner", "due"], name="rl_card_owner_due"),
            models.Index(fields=["due"], name="rl_card_due"),
        ]

    def __str__(self) -> str:
        return self.prompt[:60]


class ReviewLog(models.Model):
    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    # Denormalised so per-person statistics never join through cards.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()  # fsrs.Rating: 1 Again .. 4 Easy
    state_before = models.PositiveSmallIntegerField()
    reviewed_at = models.DateTimeField()
    review_duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="rl_log_user_time")]

    def __str__(self) -> str:
        return f"{self.card_id} rated {self.rating}"


class CardImport(models.Model):
    """A parsed CSV or TSV file of cards waiting for its owner to confirm the preview.

    ``rows`` holds the cards that will be created ({"line", "front", "back", "topic"});
    ``refused`` the rows that will not, with the reason ({"line", "front", "reason"})."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_imports"
    )
    filename = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=list)
    refused = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Card import {self.filename or self.pk}"


class ReviewSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_settings"
    )
    desired_retention = models.FloatField(
        default=0.9, validators=[MinValueValidator(0.7), MaxValueValidator(0.97)]
    )
    paused_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Review settings for {self.user}"
