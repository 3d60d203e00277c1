from questionnaires.schema import Scale, Text
from questionnaires.scoring import to_0_100, top_box_steps

T = Text(nb="a", nn="a", en="a")


def scale(lo: int, hi: int, good: str) -> Scale:
    return Scale(min=lo, max=hi, good=good, labels={lo: T, hi: T})


def test_0_100_respects_direction():
    assert to_0_100(7, scale(1, 7, "high")) == 100
    assert to_0_100(4, scale(1, 7, "high")) == 50
    assert to_0_100(1, scale(1, 5, "low")) == 100
    assert to_0_100(1.55, scale(1, 5, "low")) == 100 * (1.55 - 5) / (1 - 5)


def test_top_box_is_the_good_end():
    assert top_box_steps(scale(1, 7, "high")) == (7, 6)
    assert top_box_steps(scale(1, 5, "low")) == (1, 2)
