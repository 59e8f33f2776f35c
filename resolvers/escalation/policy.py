"""The overdue escalation ladder (督办): which step is due after how many days overdue.

Default: 提醒 the day after the deadline, 催办 after 7 days, 预警函 after 15, 约谈 after 30,
通报 after 60. An operator may replace it with a YAML/JSON file:

    steps:
      - {level: REMINDER, days_overdue: 1}
      - {level: URGE, days_overdue: 5}
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import yaml

from models.enums import EscalationLevel

LADDER = list(EscalationLevel)


@dataclass(frozen=True)
class Step:
    """One rung: `level` is due once an item is `days_overdue` days past its deadline."""

    level: EscalationLevel
    days_overdue: int


@dataclass(frozen=True)
class Policy:
    """The ladder's rungs in order."""

    steps: tuple[Step, ...]

    def next_step(self, issued: EscalationLevel | None, days_overdue: int) -> Step | None:
        """The rung after `issued` (the first without one), if it is due yet."""
        start = 0
        if issued is not None:
            done = [i for i, s in enumerate(self.steps) if s.level is issued]
            start = done[0] + 1 if done else 0
        if start >= len(self.steps):
            return None
        step = self.steps[start]
        return step if days_overdue >= step.days_overdue else None


DEFAULT_POLICY = Policy(
    (
        Step(EscalationLevel.REMINDER, 1),
        Step(EscalationLevel.URGE, 7),
        Step(EscalationLevel.WARNING_LETTER, 15),
        Step(EscalationLevel.INTERVIEW, 30),
        Step(EscalationLevel.PUBLIC_NOTICE, 60),
    )
)


class PolicyError(ValueError):
    """A policy file that does not describe a ladder."""


def load_policy(path: Path) -> Policy:
    """A policy from a YAML or JSON file; steps must climb the ladder with growing days."""
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        steps = tuple(
            Step(EscalationLevel(s["level"]), int(s["days_overdue"])) for s in spec["steps"]
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise PolicyError(f"{path}: not an escalation policy: {exc}") from exc
    if not steps:
        raise PolicyError(f"{path}: no steps")
    for earlier, later in itertools.pairwise(steps):
        if LADDER.index(later.level) <= LADDER.index(earlier.level):
            raise PolicyError(f"{path}: steps must climb the ladder in order")
        if later.days_overdue < earlier.days_overdue:
            raise PolicyError(f"{path}: days_overdue must not decrease")
    return Policy(steps)
