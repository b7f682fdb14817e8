"""Load and validate config/policy.yaml; refuse any setting that loosens a contract promise."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transforms.contract import TABLES
from transforms.eligibility import Purpose, PurposeRule
from transforms.person_tables import Generalization
from transforms.sources import Classification

DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[1] / "config" / "policy.yaml"


class PolicyError(ValueError):
    """The policy file is missing, malformed, or would loosen a promise."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GeneralizationConfig(_Strict):
    age_band_widths: tuple[int, ...] = Field(default=(10, 5), min_length=1)
    referrer_keep: Literal["path", "host"] = "path"

    @field_validator("age_band_widths")
    @classmethod
    def _widths(cls, widths: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(widths)) != len(widths) or any(w < 2 or w > 50 for w in widths):
            raise ValueError("age band widths must be distinct whole years between 2 and 50")
        return widths


class PurposeConfig(_Strict):
    require_consent_ads: bool
    exclude_opt_out_research: bool


ANALYST_MIN_K = 10  # the analysts' default; a policy may raise k, never lower it (P1)


class MartsConfig(_Strict):
    k: int = Field(default=ANALYST_MIN_K, ge=ANALYST_MIN_K, le=10_000)


class PiiConfig(_Strict):
    """PII detection. `ner_model`: an installed spaCy pipeline (e.g. en_core_web_lg) adding
    PERSON and LOCATION detection in English text; nothing is ever downloaded."""

    ner_model: str | None = None


class PolicyConfig(_Strict):
    generalization: GeneralizationConfig = GeneralizationConfig()
    marts: MartsConfig = MartsConfig()
    pii: PiiConfig = PiiConfig()
    eligibility: dict[Purpose, PurposeConfig]
    unknown_columns: dict[str, dict[str, Classification]] = {}

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
        return Generalization(age_band_widths=g.age_band_widths, referrer_keep=g.referrer_keep)

    def purpose_rules(self) -> dict[Purpose, PurposeRule]:
        return {p: PurposeRule(**c.model_dump()) for p, c in self.eligibility.items()}


def load_policy(path: Path = DEFAULT_POLICY_PATH) -> PolicyConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return PolicyConfig.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc
    except ValidationError as exc:
        raise PolicyError(f"invalid policy file {path}:\n{exc}") from exc
