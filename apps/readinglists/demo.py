"""Demo reading lists for the demo student, with partial progress and due cards."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.accounts.demo import DemoContext
from apps.core.registry import demo_seeders
from apps.readinglists import services
from apps.readinglists.models import (
    Assignment,
    Item,
    Progress,
    ReadingList,
    ReviewCard,
    ReviewLog,
)

RL_ITEMS = [
    # (title, authors, year, venue, doi, arxiv, importance, tags)
    ("Simple statistical gradient-following algorithms for connectionist reinforcement "
     "learning", ["Ronald J. Williams"], 1992, "Machine Learning", "10.1007/bf00992696", "",
     "essential", ["policy gradient"]),
    ("Policy gradient methods for reinforcement learning with function approximation",
     ["Richard S. Sutton", "David McAllester", "Satinder Singh", "Yishay Mansour"], 1999,
     "NeurIPS", "", "", "essential", ["policy gradient"]),
    ("Human-level control through deep reinforcement learning",
     ["Volodymyr Mnih", "Koray Kavukcuoglu", "David Silver"], 2015, "Nature",
     "10.1038/nature14236", "", "essential", ["value-based"]),
    ("Proximal policy optimization algorithms", ["John Schulman", "Filip Wolski",
     "Prafulla Dhariwal", "Alec Radford", "Oleg Klimov"], 2017, "arXiv", "", "1707.06347",
     "recommended", ["policy gradient"]),
    ("Rainbow: combining improvements in deep reinforcement learning", ["Matteo Hessel",
     "Joseph Modayil", "Hado van Hasselt"], 2018, "AAAI", "", "1710.02298", "recommended",
     ["value-based"]),
    ("Soft actor-critic: off-policy maximum entropy deep RL with a stochastic actor",
     ["Tuomas Haarnoja", "Aurick Zhou", "Pieter Abbeel", "Sergey Levine"], 2018, "ICML", "",
     "1801.01290", "optional", ["actor-critic"]),
]  # fmt: skip
PROB_ITEMS = [
    ("Probability Theory: The Logic of Science", ["E. T. Jaynes"], 2003,
     "Cambridge University Press", "", "", "recommended", ["probability"]),
    ("Pattern Recognition and Machine Learning — chapters 1-2", ["Christopher M. Bishop"],
     2006, "Springer", "", "", "essential", ["probability", "bayesian"]),
    ("Probabilistic Machine Learning: An Introduction", ["Kevin P. Murphy"], 2022,
     "MIT Press", "", "", "essential", ["probability"]),
]  # fmt: skip


def _fill(reading_list: ReadingList, rows: list, kind: str = "paper") -> list[Item]:
    items = []
    for position, (title, authors, year, venue, doi, arxiv, importance, tags) in enumerate(rows):
        item, _ = Item.objects.update_or_create(
            reading_list=reading_list,
            title=title,
            defaults={
                "position": position,
                "kind": kind,
                "authors": authors,
                "year": year,
                "venue": venue,
                "doi": doi,
                "arxiv_id": arxiv,
                "importance": importance,
                "tags": tags,
            },
        )
        items.append(item)
    return items


@demo_seeders.register("readinglists", order=30)
def seed(demo: DemoContext) -> None:
    now = timezone.now()
    rl, _ = ReadingList.objects.update_or_create(
        owner=demo.mentor,
        title="Reinforcement learning: policy-gradient vs value-based methods",
        defaults={
            "description": "Read the two families side by side: what each optimises, how "
            "each handles exploration and variance, and where actor-critic joins them.",
            "topic_tags": ["reinforcement learning"],
            "method_tags": ["policy gradient", "value-based", "actor-critic"],
            "visibility": ReadingList.Visibility.MENTEES,
            "is_ordered": True,
        },
    )
    rl_items = _fill(rl, RL_ITEMS)
    prob, _ = ReadingList.objects.update_or_create(
        owner=demo.mentor,
        title="Probability for ML",
        defaults={
            "description": "The probability you will use every week of a PhD.",
            "topic_tags": ["probability", "statistics"],
            "method_tags": ["bayesian inference"],
            "visibility": ReadingList.Visibility.MENTEES,
        },
    )
    prob_items = _fill(prob, PROB_ITEMS, kind="book")
    demo.extra["reading_lists"] = [rl, prob]
    for reading_list, days in ((rl, 21), (prob, 45)):
        Assignment.objects.update_or_create(
            reading_list=reading_list,
            mentee=demo.student,
            defaults={"assigned_by": demo.mentor, "due_date": (now + timedelta(days=days)).date()},
        )
    # Partial progress: two papers summarised or read, one in progress.
    for item, status in (
        (rl_items[0], "summarised"),
        (rl_items[2], "read"),
        (rl_items[1], "reading"),
        (prob_items[1], "reading"),
    ):
        services.progress_set_status(user=demo.student, item=item, status=status, now=now)
    Progress.objects.filter(user=demo.student, item=rl_items[0]).update(
        summary="REINFORCE: the likelihood-ratio gradient of expected return; unbiased but "
        "high-variance, so subtract a **baseline**.",
        rating=5,
    )
    services.deck_add_starter(user=demo.student, now=now - timedelta(days=1))
    # A few cards already reviewed so the streak and retention chart are not empty;
    # only on the first run, so seeding twice adds nothing.
    if ReviewLog.objects.filter(user=demo.student).exists():
        return
    reviewed = ReviewCard.objects.filter(owner=demo.student).order_by("pk")[:4]
    for offset, card in enumerate(reviewed):
        services.card_review(card=card, rating=3, now=now - timedelta(days=offset + 1, hours=1))
