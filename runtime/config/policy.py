"""Load and validate config/policy.yaml; refuse any setting that loosens a contract promise."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    field_validator,
    model_validator,
)

from runtime.config.loader import CONFIG_DIR, ConfigError, StrictConfig, load_config
from transforms.contract import TABLES
from transforms.ingest.sources import Classification
from transforms.marts.labels import label_rules
from transforms.marts.vocabulary import Vocabulary, is_safe_label
from transforms.person.eligibility import Purpose, PurposeRule
from transforms.person.tables import Generalization
from transforms.thresholding import ANALYST_MIN_K

DEFAULT_POLICY_PATH = CONFIG_DIR / "policy.yaml"


class PolicyError(ConfigError):
    """The policy file is missing, malformed, or would loosen a promise."""


class GeneralizationConfig(StrictConfig):
    age_band_widths: tuple[int, ...] = Field(default=(10, 5), min_length=1)
    referrer_keep: Literal["path", "host"] = "path"

    @field_validator("age_band_widths")
    @classmethod
    def _widths(cls, widths: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(widths)) != len(widths) or any(w < 2 or w > 50 for w in widths):
            raise ValueError("age band widths must be distinct whole years between 2 and 50")
        return widths


class PurposeConfig(StrictConfig):
    require_consent_ads: bool
    exclude_opt_out_research: bool


class MartsConfig(StrictConfig):
    k: int = Field(default=ANALYST_MIN_K, ge=ANALYST_MIN_K, le=10_000)


class PiiConfig(StrictConfig):
    """PII detection. `ner_model`: an installed spaCy pipeline (e.g. en_core_web_lg) adding
    PERSON and LOCATION detection in English text; nothing is ever downloaded."""

    ner_model: str | None = None


def _safe_label(value: str) -> str:
    if not is_safe_label(value):
        raise ValueError("a label is lowercase letters, digits and '_' (at most 63)")
    return value


Label = Annotated[str, AfterValidator(_safe_label)]
_NOT_PLAIN_REGEX = re.compile(r"\(\?|\\[1-9]")  # lookarounds, flags, back-references


class VocabularyConfig(StrictConfig):
    """The raw values that may become labels in the warehouse, marts and releases (D12)."""

    categories: tuple[Label, ...] = ()
    campaign_pattern: str | None = None
    surveys: dict[Label, Annotated[tuple[Label, ...], Field(min_length=1)]] = Field(
        default_factory=dict
    )

    @field_validator("campaign_pattern")
    @classmethod
    def _plain_pattern(cls, pattern: str | None) -> str | None:
        if pattern is None:
            return None
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        if _NOT_PLAIN_REGEX.search(pattern):
            raise ValueError("plain syntax only: no (? groups, no back-references")
        return pattern

    @model_validator(mode="after")
    def _no_repeats(self) -> VocabularyConfig:
        lists = {"categories": self.categories}
        lists |= {f"surveys.{s}": choices for s, choices in self.surveys.items()}
        for where, values in lists.items():
            if len(set(values)) != len(values):
                raise ValueError(f"vocabulary.{where} lists a value twice")
        return self

    def rules(self) -> Vocabulary:
        surveys = tuple(self.surveys.items())
        return Vocabulary(self.categories, self.campaign_pattern, surveys)


class PolicyConfig(StrictConfig):
    generalization: GeneralizationConfig = GeneralizationConfig()
    marts: MartsConfig = MartsConfig()
    pii: PiiConfig = PiiConfig()
    vocabulary: VocabularyConfig = VocabularyConfig()
    eligibility: dict[Purpose, PurposeConfig]
    unknown_columns: dict[str, dict[str, Classification]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _keeps_promises(self) -> PolicyConfig:
        missing = set(Purpose) - set(self.eligibility)
        if missing:
            raise ValueError(f"eligibility must define every purpose; missing {sorted(missing)}")
        if not self.eligibility[Purpose.ADS].require_consent_ads:
            raise ValueError("eligibility.ads.require_consent_ads must be true (promise P3)")
        for p in (Purpose.RESEARCH, Purpose.ANALYTICS):
            if not self.eligibility[p].exclude_opt_out_research:
                raise ValueError(f"eligibility.{p}.exclude_opt_out_research must be true (P3)")
        unknown_tables = set(self.unknown_columns) - set(TABLES)
        if unknown_tables:
            raise ValueError(f"unknown_columns names tables not in the contract: {unknown_tables}")
        return self

    def generalization_rules(self) -> Generalization:
        g = self.generalization
        return Generalization(g.age_band_widths, g.referrer_keep, self.vocabulary.rules())

    def mart_labels(self) -> dict[str, str]:
        """What each mart label column may publish, for the marts' label check."""
        return label_rules(self.vocabulary.rules())

    def purpose_rules(self) -> dict[Purpose, PurposeRule]:
        return {p: PurposeRule(**c.model_dump()) for p, c in self.eligibility.items()}


def load_policy(path: Path = DEFAULT_POLICY_PATH) -> PolicyConfig:
    return load_config(path, PolicyConfig, "policy", PolicyError)
