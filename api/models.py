"""The shapes of the JSON API's answers, as pydantic models.

Why models: one definition both builds every answer (`api.objects` and `api.figures` return
these, `api.views` dumps them) and generates the OpenAPI document (`api.schema`), so the
document cannot drift from what is sent. Every model forbids fields it does not declare
(`additionalProperties: false`: a field added to an answer but not here fails at once) and
none has a default, so every field is required and always present.

A model with `suppressed` names the figures the small-group rule holds back (`held_back`,
null; `emptied`, empty lists) and those shown otherwise (`shown`, never null). Building one
that is suppressed yet holds such a figure raises, so a held-back figure cannot reach a
client even by a slip in `api.figures`; the document states the same rule
(`if suppressed then null`), so the Schemathesis test checks it from outside too.

Class docstrings are the schemas' descriptions in the document: they are written for clients.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal, Self

from annotated_types import Ge
from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNegative = Annotated[int, Ge(0)]
Share = Annotated[float, Ge(0), Field(description="a fraction: 0.4 is 40 %")]
Suppressed = Annotated[bool, Field(description="true: fewer answers than small_group_minimum; "
                                               "the figures are then null, never shown")]


Names = tuple[str, ...]  # field names


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The branch of `anyOf: [X, null]` that is not null (X itself if not nullable)."""
    branches = [b for b in schema.get("anyOf", [schema]) if b != {"type": "null"}]
    return branches[0]


def _suppression_rule(schema: dict[str, Any], cls: type[HeldBack]) -> None:
    """`if suppressed then held_back null and emptied empty, else shown not null`."""
    then = ({name: {"type": "null"} for name in cls.held_back}
            | {name: {"maxItems": 0} for name in cls.emptied})
    schema["if"] = {"properties": {"suppressed": {"const": True}}}
    schema["then"] = {"properties": then}
    if cls.shown:
        schema["else"] = {"properties": {name: _not_null(schema["properties"][name])
                                         for name in cls.shown}}


class HeldBack(Strict):
    model_config = ConfigDict(json_schema_extra=_suppression_rule)
    held_back: ClassVar[Names] = ()
    emptied: ClassVar[Names] = ()
    shown: ClassVar[Names] = ()

    @model_validator(mode="after")
    def _nothing_held_back_is_shown(self) -> Self:
        """Fail closed: an answer that would show a held-back figure is never sent."""
        if getattr(self, "suppressed", False):
            leaked = [name for name in (*self.held_back, *self.emptied) if getattr(self, name)
                      not in (None, [])]
            if leaked:
                raise ValueError(f"suppressed, yet {', '.join(leaked)} given")
        return self


MEAN_FIELDS = ("n", "mean", "ci_low", "ci_high")


# --- Objects ------------------------------------------------------------------------------

class Error(Strict):
    error: str
    status: int
    message: str


class Named(Strict):
    id: int
    name: str


class Gathering(Strict):
    id: int
    number: int
    label: str
    held_on: dt.date | None


class Questionnaire(Strict):
    slug: str
    version: int
    title: str


class Survey(HeldBack):
    """A survey of a unit or of a gathering"""

    held_back: ClassVar[Names] = ("responses",)
    shown: ClassVar[Names] = ("responses",)
    id: int
    title: str
    questionnaire: Questionnaire
    unit: Named | None
    organisation: Named | None
    gathering: Gathering | None
    network: Named | None = Field(description=(
        "The gathering's network; for a unit's survey, its organisation's network when it "
        "is a member of exactly one, else null (see the unit's `networks`)"))
    period_label: str | None
    phase: Literal["baseline", "follow_up"] | None
    opens_on: dt.date | None
    closes_on: dt.date | None
    status: Literal["draft", "open", "closed"]
    invited: NonNegative | None
    suppressed: Suppressed
    responses: NonNegative | None


class Unit(Strict):
    id: int
    name: str
    archived: bool
    organisation: Named
    network: Named | None = Field(description=(
        "The organisation's network when it is a member of exactly one, else null"))
    networks: list[Named] = Field(description=(
        "Every network the organisation is or was a member of, by name"))


class Network(Strict):
    id: int
    name: str
    archived: bool
    gatherings: list[Gathering]


# --- Figures ------------------------------------------------------------------------------

class MeanCI(Strict):
    """A mean with its n and 95 % confidence interval (null ends for n = 1)"""

    n: NonNegative
    mean: float
    ci_low: float | None
    ci_high: float | None


class Difference(Strict):
    difference: float
    ci_low: float
    ci_high: float


class Scale(Strict):
    min: int
    max: int
    good: Literal["high", "low"]


class Category(HeldBack):
    """A category score: per response the mean of its answers in the category"""

    held_back: ClassVar[Names] = (*MEAN_FIELDS, "mean_0_100")
    shown: ClassVar[Names] = ("n", "mean")
    id: str
    text: str
    suppressed: Suppressed
    n: NonNegative | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    mean_0_100: float | None


class Step(Strict):
    step: int
    label: str | None
    count: NonNegative


class Count(Strict):
    value: str
    text: str | None
    count: NonNegative


class Item(HeldBack):
    """One question; free-text questions are never listed"""

    held_back: ClassVar[Names] = (*MEAN_FIELDS, "mean_0_100", "top_box", "dont_know")
    emptied: ClassVar[Names] = ("steps", "counts")
    shown: ClassVar[Names] = ("n",)
    id: str
    kind: Literal["scale", "choice", "checklist", "number"]
    text: str
    scale: Scale | None
    suppressed: Suppressed
    n: NonNegative | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    mean_0_100: float | None
    top_box: Share | None
    dont_know: NonNegative | None
    steps: list[Step]
    counts: list[Count]


class Section(Strict):
    id: str
    title: str | None
    items: list[Item]


class Overview(HeldBack):
    held_back: ClassVar[Names] = ("responses", "response_rate")
    emptied: ClassVar[Names] = ("categories",)
    shown: ClassVar[Names] = ("responses",)
    suppressed: Suppressed
    responses: NonNegative | None
    response_rate: Share | None
    categories: list[Category]


class ChangeBin(Strict):
    change: int
    users: NonNegative


class Change(HeldBack):
    """The change over linked baseline and follow-up pairs (PSFS); never a single pair"""

    held_back: ClassVar[Names] = ("baseline_mean", "follow_up_mean", "change", "improved",
                           "improved_share")
    emptied: ClassVar[Names] = ("distribution",)
    shown: ClassVar[Names] = ("change",)
    suppressed: bool = Field(description="true: fewer pairs than small_group_minimum")
    baselines: NonNegative | None
    follow_ups: NonNegative | None
    share_paired: Share | None
    baseline_mean: MeanCI | None
    follow_up_mean: MeanCI | None
    change: MeanCI | None
    improved: NonNegative | None
    improved_share: Share | None
    improvement_threshold: float
    distribution: list[ChangeBin]
    early_included: bool = Field(
        description="true: follow-ups typed in from paper before the survey's earliest day "
                    "are counted (a lead's choice, honoured from small_group_minimum of them "
                    "on); false: left out")


class ComparisonCategory(HeldBack):
    """One category of survey a against survey b; the difference is b − a. With design
    before_after, a is the baseline and direction reads better/worse/unclear in the scale's
    good direction; with a_b it reads only different/unclear, never better or worse"""

    held_back: ClassVar[Names] = ("a", "b", "difference", "a_0_100", "b_0_100",
                                  "difference_0_100", "direction")
    shown: ClassVar[Names] = ("a", "b")
    id: str
    text: str
    suppressed: Suppressed
    surveys_left_out: NonNegative
    a: MeanCI | None
    b: MeanCI | None
    difference: Difference | None
    a_0_100: float | None
    b_0_100: float | None
    difference_0_100: Difference | None
    direction: Literal["better", "worse", "different", "unclear"] | None


class UnitSurvey(Strict):
    survey: Survey
    results: Overview | None
    change: Change | None


class GatheringColumn(HeldBack):
    held_back: ClassVar[Names] = ("responses", "response_rate")
    shown: ClassVar[Names] = ("responses",)
    number: int
    label: str
    suppressed: Suppressed
    responses: NonNegative | None
    invited: NonNegative | None
    response_rate: Share | None


class GatheringMean(HeldBack):
    """One question at one gathering: the mean of those who answered it (n), with its 95 %
    t interval. asked false: the question was in none of the questionnaires used at that
    gathering (every figure null, suppressed false); n 0: asked, but no one answered it."""

    held_back: ClassVar[Names] = MEAN_FIELDS
    gathering: int
    asked: bool
    suppressed: Suppressed
    n: NonNegative | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None


class GatheringItem(Strict):
    """A question, lined up by its id across the gathering evaluations used"""

    id: str
    text: str
    section: str
    section_title: str
    scale: Scale
    means: list[GatheringMean]


class GatheringTable(Strict):
    scale: Scale | None
    gatherings: list[GatheringColumn]
    items: list[GatheringItem]


# --- Answers: one per operation, each with the limit its figures were held back by --------

class Answer(Strict):
    small_group_minimum: Annotated[int, Ge(1)]


class SurveysAnswer(Answer):
    surveys: list[Survey]


class ResultsAnswer(Overview, Answer):
    emptied: ClassVar[Names] = ("categories", "sections")
    survey: Survey
    sections: list[Section]


class ComparisonAnswer(Answer):
    """Two surveys compared: before_after when one is marked baseline (then a) and the other
    follow-up (then b), whatever their dates or the order asked for; otherwise a_b, with a
    the survey asked for and b the one in `with`, neither read as before the other"""

    design: Literal["before_after", "a_b"]
    a: Survey
    b: Survey
    categories: list[ComparisonCategory]


class ChangeAnswer(Answer):
    survey: Survey
    change: Change


class UnitsAnswer(Answer):
    units: list[Unit]


class UnitAnswer(Answer):
    unit: Unit
    surveys: list[UnitSurvey]


class NetworksAnswer(Answer):
    networks: list[Network]


class GatheringTableAnswer(GatheringTable, Answer):
    network: Named
