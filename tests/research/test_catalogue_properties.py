"""Properties of the catalogue parser over generated entries (no database)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from apps.research.catalogue import parse_catalogue
from apps.research.deadlines import deadline_to_utc

labels = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=30
).filter(lambda s: not s.isdigit())
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2150, 12, 31))
minutes = st.integers(min_value=-12 * 60, max_value=14 * 60)


@given(st.lists(labels, min_size=1, max_size=20, unique_by=str.casefold), st.data())
def test_every_labelled_deadline_of_one_type_is_kept(names, data):
    dates = [data.draw(days) for _ in names]
    lines = "\n".join(
        f"    - {{type: paper, label: '{name}', date: '{day:%Y-%m-%d} 23:59'}}"
        for name, day in zip(names, dates, strict=True)
    )
    parsed = parse_catalogue(f"- title: KDD\n  year: 2027\n  deadlines:\n{lines}\n")
    assert parsed.rejected == []
    [venue] = parsed.venues
    assert sorted(d.label for d in venue.deadlines) == sorted(names)


@given(
    st.lists(st.integers(min_value=1990, max_value=2100), min_size=1, max_size=8, unique=True),
    st.randoms(),
)
def test_venue_metadata_does_not_depend_on_entry_order(years, random):
    def edition(year: int) -> str:
        # Odd years leave the full name out, as real files often do.
        name = "''" if year % 2 else f"Name {year}"
        return f"- {{title: KDD, year: {year}, full_name: {name}, link: 'https://x.org/{year}'}}\n"

    shuffled = list(years)
    random.shuffle(shuffled)
    [a] = parse_catalogue("".join(map(edition, years))).venues
    [b] = parse_catalogue("".join(map(edition, shuffled))).venues
    assert (a.full_name, a.link) == (b.full_name, b.link)
    assert a.link == f"https://x.org/{max(years)}"
    named = [y for y in years if not y % 2]
    assert a.full_name == (f"Name {max(named)}" if named else "")


@given(days, st.times().map(lambda t: t.replace(microsecond=0)), minutes)
def test_a_date_written_with_its_own_offset_is_that_instant(day, time, offset):
    moment = dt.datetime.combine(day, time, tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    text = (
        "- {title: KDD, year: 2027, timezone: PST, "
        f"deadlines: [{{type: paper, date: '{moment.isoformat()}'}}]}}\n"
    )
    [venue] = parse_catalogue(text).venues
    assert venue.deadlines[0].due_at == moment.astimezone(dt.UTC)


@given(days, minutes)
def test_utc_offsets_with_minutes_are_exact(day, offset):
    sign = "-" if offset < 0 else "+"
    name = f"UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    local = dt.datetime.combine(day, dt.time(23, 59, 59))
    expected = (local - dt.timedelta(minutes=offset)).replace(tzinfo=dt.UTC)
    assert deadline_to_utc(day, dt.time(23, 59, 59), name) == expected
