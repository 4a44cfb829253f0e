import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.matching import fit


def test_tokenize_keeps_hyphenated_terms_and_drops_stopwords():
    tokens = fit.tokenize("I am interested in Policy-Gradient methods and the RL")
    assert "policy-gradient" in tokens
    assert "gradient" in tokens
    assert "the" not in tokens
    assert "rl" in tokens


def test_term_rows_are_unit_length_and_identical_docs_have_cosine_one():
    matrix, _ = fit.term_matrix(["causal inference", "causal inference", "robot arms"])
    sims = (matrix @ matrix.T).toarray()
    assert sims[0, 1] == pytest.approx(1.0)
    assert sims[0, 2] == pytest.approx(0.0)


def test_generic_words_count_for_less_than_specific_ones():
    student = fit.StudentFeatures("s", "machine learning robotics")
    specific = fit.MentorFeatures("a", "robotics")
    generic = fit.MentorFeatures("b", "machine")
    assert (
        fit.pair_fit(student, specific).components["interest"]
        > (fit.pair_fit(student, generic).components["interest"])
    )


def test_closer_interests_score_higher_and_explanation_names_shared_terms():
    student = fit.StudentFeatures(
        "s", "policy-gradient methods in RL", tags=["RL"], preferred_cadence="weekly"
    )
    near = fit.MentorFeatures(
        "a",
        "RL with policy-gradient methods",
        tags=["RL"],
        cadence="weekly",
        capacity=5,
        free_places=2,
        labels={"cadence": "Weekly"},
    )
    far = fit.MentorFeatures(
        "b", "protein folding", tags=["biology"], cadence="monthly", capacity=1, free_places=1
    )
    fits, excluded = fit.score_pairs([student], [near, far])
    assert fits[("s", "a")].total > fits[("s", "b")].total
    text = fits[("s", "a")].explanation
    assert "shares: RL, policy-gradient" in text
    assert "weekly meetings as you prefer" in text
    assert "2 of 5 places free" in text
    assert set(fits[("s", "a")].components) == set(fit.COMPONENTS)
    assert excluded == {}


def test_hard_filters_exclude_full_mentors_and_no_common_language():
    student = fit.StudentFeatures("s", "x", languages=["French"])
    full = fit.MentorFeatures("a", "x", languages=["French"], capacity=1, free_places=0)
    foreign = fit.MentorFeatures("b", "x", languages=["German"], capacity=1, free_places=1)
    fits, excluded = fit.score_pairs([student], [full, foreign])
    assert fits == {}
    assert excluded["s"] == {"a": "no free places", "b": "no language in common"}


def test_weights_change_the_ranking():
    student = fit.StudentFeatures("s", "graph theory", preferred_seniority="faculty")
    topical = fit.MentorFeatures(
        "a", "graph theory", seniority="postdoc", capacity=1, free_places=1
    )
    senior = fit.MentorFeatures("b", "poetry", seniority="faculty", capacity=1, free_places=1)
    by_interest, _ = fit.score_pairs(
        [student],
        [topical, senior],
        {"interest": 1, "seniority": 0, "style": 0, "tags": 0, "timezone": 0},
    )
    by_seniority, _ = fit.score_pairs(
        [student],
        [topical, senior],
        {"interest": 0, "seniority": 1, "style": 0, "tags": 0, "timezone": 0},
    )
    assert by_interest[("s", "a")].total > by_interest[("s", "b")].total
    assert by_seniority[("s", "b")].total > by_seniority[("s", "a")].total


def test_negative_weights_are_rejected():
    with pytest.raises(ValueError, match="Weights"):
        fit.score_pairs([], [], {"interest": -1})


def test_timezone_fit_wraps_round_the_date_line():
    student = fit.StudentFeatures("s", "", utc_offset_hours=12, timezone_tolerance_hours=2)
    mentor = fit.MentorFeatures("m", "", utc_offset_hours=-11)
    assert fit.timezone_fit(student, mentor) == 1.0


@given(
    st.lists(st.text(max_size=40), min_size=1, max_size=4),
    st.lists(st.text(max_size=40), min_size=1, max_size=4),
)
def test_every_component_and_total_stays_between_zero_and_one(student_texts, mentor_texts):
    students = [
        fit.StudentFeatures(f"s{i}", t, tags=t.split()[:2]) for i, t in enumerate(student_texts)
    ]
    mentors = [
        fit.MentorFeatures(f"m{i}", t, tags=t.split()[:2], capacity=1, free_places=1)
        for i, t in enumerate(mentor_texts)
    ]
    fits, _ = fit.score_pairs(students, mentors)
    assert len(fits) == len(students) * len(mentors)
    for pair in fits.values():
        assert 0.0 <= pair.total <= 1.0
        assert all(0.0 <= v <= 1.0 for v in pair.components.values())


# Few words, so texts share terms often: the case where corpus statistics would move a
# pair's figure.
_interests = st.lists(
    st.sampled_from(["learning", "robotics", "causal", "policy-gradient", "rl", "theory"]),
    max_size=6,
).map(" ".join)


@given(_interests, _interests, st.lists(_interests, max_size=4))
def test_a_pairs_fit_does_not_depend_on_who_else_is_scored(student_text, mentor_text, others):
    student = fit.StudentFeatures("s", student_text, tags=student_text.split()[:2])
    mentor = fit.MentorFeatures("m", mentor_text, tags=mentor_text.split()[:2], free_places=1)
    crowd = [fit.MentorFeatures(f"o{i}", t, free_places=1) for i, t in enumerate(others)]

    alone = fit.pair_fit(student, mentor)
    fits, _ = fit.score_pairs([student], [*crowd, mentor])

    assert fits[("s", "m")].total == pytest.approx(alone.total, abs=1e-9)
    assert fits[("s", "m")].percent == alone.percent
