"""Benchmark BibTeX import and list rendering for reading lists.

    uv run python -m bench.readinglists_bench                 # 20,000 entries
    uv run python -m bench.readinglists_bench --entries 2000 --keep-file /tmp/x.bib

Prints entries/s for the preview and the confirm, and the peak memory of the process
(resource.ru_maxrss) after each step, and the CPU time of this process (on a shared
machine it moves less than the wall-clock time; the database's own work is not in it).

Generates a seeded BibTeX file with realistic fields (LaTeX accents, @string macros,
month macros, crossref'd proceedings, DOIs and arXiv ids), then, in a throw-away test
database (PostgreSQL per config.settings.test), times parsing, the preview and the
confirmed import, counting queries, and compares the queries needed to render the
first page of a 20-item and a 2,000-item list.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time

ACCENTED_FIRST = [
    r"Ren{\'e}",
    r"Fran{\c{c}}ois",
    r"J{\"o}rg",
    r"Se{\'a}n",
    r"Ana{\"\i}s",
    r"Zo{\"e}",
    r"Bj{\"o}rn",
    r"Andr{\'e}",
    "Yoshua",
    "Geoffrey",
    "Leslie",
    "Emma",
]
ACCENTED_LAST = [r"M{\"u}ller", r"Erd{\H{o}}s", r"Sch{\"o}lkopf", r"Garc{\'\i}a", r"L{\o}kke",
                 r"Ch{\'a}vez", r"Dvo{\v{r}}{\'a}k", "Bengio", "Hinton", "Kaelbling", "Brunskill",
                 "van der Maaten"]  # fmt: skip
WORDS = [
    "policy",
    "gradient",
    "variance",
    "reduction",
    "off-policy",
    "evaluation",
    "bandits",
    "regret",
    "bounds",
    "stochastic",
    "optimisation",
    "kernel",
    "methods",
    "Bayesian",
    "inference",
    "causal",
    "representation",
    "transformers",
    "attention",
    "contrastive",
    "learning",
    "diffusion",
    "models",
]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def generate_bibtex(n: int, seed: int = 42) -> str:
    rng = random.Random(seed)
    out = [
        '@string{jmlr = "Journal of Machine Learning Research"}',
        '@string{icml = "Proceedings of the International Conference on Machine Learning"}',
        "@proceedings{neurips2020, title = {Advances in Neural Information Processing "
        "Systems 33}, year = 2020, publisher = {Curran Associates}}",
    ]
    for i in range(n - 1):
        authors = " and ".join(
            f"{rng.choice(ACCENTED_LAST)}, {rng.choice(ACCENTED_FIRST)}"
            for _ in range(rng.randint(1, 6))
        )
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        year = rng.randint(1990, 2025)
        kind = rng.random()
        if kind < 0.4:
            entry = (
                f"@article{{key{i},\n  author = {{{authors}}},\n  title = {{{{{title}}}}},\n"
                f"  journal = jmlr,\n  year = {year},\n  month = {rng.choice(MONTHS)},\n"
                f"  volume = {{{rng.randint(1, 25)}}},\n  pages = {{{rng.randint(1, 900)}--"
                f"{rng.randint(901, 999)}}},\n  doi = {{10.{rng.randint(1000, 9999)}/jmlr.{i}}}\n}}"
            )
        elif kind < 0.7:
            entry = (
                f"@misc{{key{i},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
                f"  year = {{{year}}},\n  eprint = {{{rng.randint(1501, 2412)}."
                f"{i % 99999:05d}v{rng.randint(1, 3)}}},\n  archivePrefix = {{arXiv}},\n"
                f"  primaryClass = {{cs.LG}},\n  keywords = {{{rng.choice(WORDS)}, "
                f"{rng.choice(WORDS)}}}\n}}"
            )
        elif kind < 0.85:
            entry = (
                f"@inproceedings{{key{i},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
                f"  crossref = {{neurips2020}},\n  pages = {{{rng.randint(1, 9000)}}},\n"
                f"  abstract = {{We study {' '.join(rng.choice(WORDS) for _ in range(40))}.}}\n}}"
            )
        else:
            entry = (
                f"@inproceedings{{key{i},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
                f"  booktitle = icml,\n  year = {year},\n  url = {{https://proceedings.mlr.press"
                f"/v{rng.randint(1, 250)}/paper{i}.html}}\n}}"
            )
        out.append(entry)
    return "\n\n".join(out) + "\n"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep-file", help="also write the generated .bib here")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )
    from django.urls import reverse

    from apps.readinglists import bibtex_import
    from apps.readinglists.bibtex import clear_decoding_caches, parse_bibtex_batches
    from apps.readinglists.models import Item, ReadingList

    text = generate_bibtex(args.entries, args.seed)
    if args.keep_file:
        with open(args.keep_file, "w", encoding="utf-8") as fh:
            fh.write(text)
    print(f"generated {args.entries:,} entries, {len(text.encode()) / 1024 / 1024:.2f} MB")
    print(f"peak RSS before parsing: {peak_mb():.0f} MB")

    t0, c0 = time.perf_counter(), time.process_time()
    ok = failed = 0
    for batch in parse_bibtex_batches(text):  # a batch at a time, as the preview does
        ok, failed = ok + len(batch.candidates), failed + len(batch.failures)
    t_parse, c_parse = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"parse only:            {t_parse:6.2f} s  ({ok:,} ok, {failed} failed)  "
        f"{args.entries / t_parse:,.0f} entries/s  CPU {c_parse:.2f} s  peak RSS {peak_mb():.0f} MB"
    )

    clear_decoding_caches()  # the preview below starts as cold as in a fresh process
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests.accounts.factories import UserFactory

        user = UserFactory()
        reading_list = ReadingList.objects.create(owner=user, title="Benchmark")
        with CaptureQueriesContext(connection) as preview_q:
            t0, c0 = time.perf_counter(), time.process_time()
            draft = bibtex_import.import_preview(reading_list=reading_list, user=user, text=text)
            t_preview, c_preview = time.perf_counter() - t0, time.process_time() - c0
        with CaptureQueriesContext(connection) as confirm_q:
            t0 = time.perf_counter()
            count = bibtex_import.import_confirm(draft=draft, user=user).created
            t_confirm = time.perf_counter() - t0
        print(
            f"preview (parse+store): {t_preview:6.2f} s  {len(preview_q.captured_queries)} queries"
            f"  {args.entries / t_preview:,.0f} entries/s  CPU {c_preview:.2f} s (this process)"
            f"  peak RSS {peak_mb():.0f} MB"
        )
        print(
            f"confirm (bulk insert): {t_confirm:6.2f} s  {len(confirm_q.captured_queries)} queries"
            f"  ({count:,} items)  {count / t_confirm:,.0f} entries/s  peak RSS {peak_mb():.0f} MB"
        )
        total = t_preview + t_confirm
        verdict = "OK" if total < 10 else "SLOW"
        print(f"import total:          {total:6.2f} s  [{verdict}: target < 10 s]")

        small = ReadingList.objects.create(owner=user, title="Small")
        Item.objects.bulk_create(
            [Item(reading_list=small, position=i, title=f"Paper {i}") for i in range(20)]
        )
        large = ReadingList.objects.create(owner=user, title="Large")
        Item.objects.bulk_create(
            [Item(reading_list=large, position=i, title=f"Paper {i}") for i in range(2000)]
        )
        client = Client()
        client.force_login(user)
        for rl in (small, large, reading_list):
            url = reverse("readinglists:list_detail", args=[rl.pk])
            client.get(url)  # warm up
            with CaptureQueriesContext(connection) as q:
                t0 = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - t0
            n = rl.items.count()
            print(
                f"render list of {n:>5,} items: {len(q.captured_queries)} queries, "
                f"{elapsed * 1000:.0f} ms (status {response.status_code})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
