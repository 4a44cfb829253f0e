"""The usual path of a paper, for the board's one-click moves (any move stays allowed)."""

from __future__ import annotations

from apps.research.models import Stage

_FORWARD: dict[Stage, tuple[Stage, ...]] = {
    Stage.IDEA: (Stage.OUTLINE,),
    Stage.OUTLINE: (Stage.DRAFTING,),
    Stage.DRAFTING: (Stage.INTERNAL_REVIEW,),
    Stage.INTERNAL_REVIEW: (Stage.SUBMITTED,),
    Stage.SUBMITTED: (Stage.UNDER_REVIEW,),
    Stage.UNDER_REVIEW: (Stage.ACCEPTED, Stage.REJECTED),
    Stage.ACCEPTED: (Stage.CAMERA_READY,),
    # After a rejection the usual next step is to revise and resubmit.
    Stage.REJECTED: (Stage.DRAFTING,),
    Stage.CAMERA_READY: (Stage.PUBLISHED,),
    Stage.PUBLISHED: (),
}
_BACK: dict[Stage, Stage] = {
    Stage.OUTLINE: Stage.IDEA,
    Stage.DRAFTING: Stage.OUTLINE,
    Stage.INTERNAL_REVIEW: Stage.DRAFTING,
    Stage.SUBMITTED: Stage.INTERNAL_REVIEW,
    Stage.UNDER_REVIEW: Stage.SUBMITTED,
    Stage.ACCEPTED: Stage.UNDER_REVIEW,
    Stage.REJECTED: Stage.UNDER_REVIEW,
    Stage.CAMERA_READY: Stage.ACCEPTED,
    Stage.PUBLISHED: Stage.CAMERA_READY,
}


def stage_moves(stage: str) -> dict[str, object]:
    current = Stage(stage)
    return {"back": _BACK.get(current), "forward": _FORWARD[current]}
