"""Load and validate config/releases.yaml: segments, consumers, budgets (CONTRACT.md P1, P3, P5).

Every error names the setting it is about; a setting that would loosen a promise is refused.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from runtime.config.loader import CONFIG_DIR, ConfigError, StrictConfig, load_config
from transforms.contract import GENDERS, REGIONS, SECTIONS
from transforms.marts.vocabulary import Vocabulary
from transforms.releases.catalog import RESEARCH_TABLES, CampaignBounds, Domains, Period
from transforms.releases.plan import ReleasePlan, partner_plan, research_plan
from transforms.releases.segments import Action, Behaviour, Segment, age_bands
from transforms.thresholding import PARTNER_MIN_K, RESEARCH_MIN_K

DEFAULT_RELEASES_PATH = CONFIG_DIR / "releases.yaml"

# Consumer, segment, category and campaign names become folder names, CSV cells and report
# text: nothing a spreadsheet or browser could read as a formula or markup (D12).
PLAIN_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _plain_name(name: str) -> str:
    if not PLAIN_NAME.fullmatch(name):
        raise ValueError("a name is lowercase letters, digits and '_', starting with a letter")
    return name


Name = Annotated[str, AfterValidator(_plain_name)]


class ReleaseConfigError(ConfigError):
    """The releases file is missing, malformed, or would loosen a promise."""


class PublicDomains(StrictConfig):
    categories: tuple[Name, ...] = Field(min_length=1)
    campaigns: tuple[Name, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _clean(self) -> PublicDomains:
        for name, values in (("categories", self.categories), ("campaigns", self.campaigns)):
            if len(set(values)) != len(values):
                raise ValueError(f"public_domains.{name} lists a value twice")
        return self  # a name never holds transforms.releases.queries.CELL_SEPARATOR


class BehaviourConfig(StrictConfig):
    read: Name | None = None
    bought: Name | None = None
    clicked: Name | None = None
    at_least: int = Field(default=1, ge=1, le=10_000)
    days: int = Field(default=30, ge=1, le=366)

    @model_validator(mode="after")
    def _one_action(self) -> BehaviourConfig:
        given = [a for a in Action if getattr(self, a.value) is not None]
        if len(given) != 1:
            raise ValueError("a behaviour names exactly one of read, bought, clicked")
        return self

    def to_behaviour(self) -> Behaviour:
        action = next(a for a in Action if getattr(self, a.value) is not None)
        return Behaviour(action, getattr(self, action.value), self.at_least, self.days)


class AgeRange(StrictConfig):
    from_: int = Field(alias="from", ge=0)
    to: int = Field(ge=0)


class SegmentConfig(StrictConfig):
    description: str = Field(min_length=1)
    gender: tuple[str, ...] = ()
    age: AgeRange | None = None
    region: tuple[str, ...] = ()
    behaviour: tuple[BehaviourConfig, ...] = ()

    @model_validator(mode="after")
    def _known_values(self) -> SegmentConfig:
        if bad := set(self.gender) - set(GENDERS):
            raise ValueError(f"gender {sorted(bad)} is not one of {list(GENDERS)}")
        if bad := set(self.region) - set(REGIONS):
            raise ValueError(f"region {sorted(bad)} is not a first-level division")
        if not (self.gender or self.age or self.region or self.behaviour):
            raise ValueError("a segment needs at least one filter (it would be every member)")
        return self


class ConsumerKind(StrEnum):
    PARTNER = "partner"
    RESEARCH = "research"


class Bound(StrictConfig):
    max_rows_per_member: int = Field(ge=1, le=100)


class CampaignReportConfig(StrictConfig):
    max_impressions_per_member: int = Field(ge=1, le=1000)
    max_clicks_per_member: int = Field(ge=1, le=1000)

    def bounds(self) -> CampaignBounds:
        return CampaignBounds(self.max_impressions_per_member, self.max_clicks_per_member)


class ConsumerConfig(StrictConfig):
    kind: ConsumerKind
    k: int = Field(ge=RESEARCH_MIN_K, le=100_000)
    monthly_epsilon: float = Field(gt=0, le=20)
    release_epsilon: float = Field(gt=0, le=20)
    segments: tuple[Name, ...] = ()
    campaign_report: CampaignReportConfig | None = None
    tables: dict[str, Bound] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _keeps_promises(self) -> ConsumerConfig:
        if self.kind is ConsumerKind.PARTNER and self.k < PARTNER_MIN_K:
            raise ValueError(f"a partner's k must be at least {PARTNER_MIN_K} (promise P1)")
        if self.release_epsilon > self.monthly_epsilon:
            raise ValueError("release_epsilon is larger than monthly_epsilon: no release fits")
        if self.kind is ConsumerKind.PARTNER and self.tables:
            raise ValueError("research tables go to research consumers, not partners")
        if self.kind is ConsumerKind.RESEARCH and (self.segments or self.campaign_report):
            raise ValueError("segments and campaign reports go to partners (ads consent)")
        if bad := set(self.tables) - set(RESEARCH_TABLES):
            raise ValueError(f"tables {sorted(bad)} are not in {sorted(RESEARCH_TABLES)}")
        if self.campaign_report and not self.segments:
            raise ValueError("a campaign report is by segment: list segments too")
        if not (self.segments or self.tables):
            raise ValueError("a consumer receives segments or tables; this one has neither")
        return self


class ReleasesConfig(StrictConfig):
    public_domains: PublicDomains
    segments: dict[Name, SegmentConfig]
    consumers: dict[Name, ConsumerConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> ReleasesConfig:
        for name, seg in self.segments.items():
            for b in seg.behaviour:
                for action, domain in (
                    ("read", SECTIONS),
                    ("bought", self.public_domains.categories),
                    ("clicked", self.public_domains.campaigns),
                ):
                    value = getattr(b, action)
                    if value is not None and value not in domain:
                        raise ValueError(
                            f"segments.{name}: {action} {value!r} is not one of {list(domain)}"
                        )
        for name, consumer in self.consumers.items():
            if missing := [s for s in consumer.segments if s not in self.segments]:
                raise ValueError(f"consumers.{name}: segments {missing} are not defined")
            if len(set(consumer.segments)) != len(consumer.segments):
                raise ValueError(f"consumers.{name}: a segment is listed twice")
        return self

    def segment(self, name: str, widths: tuple[int, ...]) -> Segment:
        c = self.segments[name]
        age = (c.age.from_, c.age.to) if c.age else None
        if age:
            try:
                age_bands(*age, widths)
            except ValueError as exc:
                raise ReleaseConfigError(f"segments.{name}.age: {exc}") from exc
        return Segment(
            segment_id=name,
            description=c.description,
            genders=c.gender,
            age=age,
            regions=c.region,
            behaviours=tuple(b.to_behaviour() for b in c.behaviour),
        )

    def domains(self, widths: tuple[int, ...]) -> Domains:
        return Domains(self.public_domains.categories, self.public_domains.campaigns, widths)

    def plan(
        self,
        consumer: str,
        period: Period,
        widths: tuple[int, ...],
        only: tuple[str, ...] = (),
    ) -> ReleasePlan:
        """The consumer's release for `period`; `only` narrows it to some of its segments or
        tables (an ad-hoc request), and may not name anything the consumer is not given."""
        c = self.consumers[consumer]
        given = c.segments or tuple(c.tables)
        if bad := [n for n in only if n not in given]:
            raise ReleaseConfigError(f"consumers.{consumer} is not given {bad}; it gets {given}")
        chosen = only or given
        domains = self.domains(widths)
        if c.kind is ConsumerKind.PARTNER:
            bound = c.campaign_report.bounds() if c.campaign_report else None
            segments = tuple(self.segment(n, widths) for n in chosen)
            return partner_plan(consumer, segments, period, domains, bound)
        tables = {n: c.tables[n].max_rows_per_member for n in chosen}
        return research_plan(consumer, tables, period, domains)

    def check_vocabulary(self, vocabulary: Vocabulary) -> None:
        """Raise ReleaseConfigError when a public category or campaign is not a label the
        warehouse keeps: it would always count zero, the members counted as 'Other …'."""
        domains = self.public_domains
        if bad := [c for c in domains.categories if c not in vocabulary.categories]:
            raise ReleaseConfigError(
                f"public_domains.categories {bad} are not in the policy's vocabulary.categories"
            )
        if bad := [c for c in domains.campaigns if not vocabulary.is_campaign(c)]:
            raise ReleaseConfigError(
                f"public_domains.campaigns {bad} do not match the policy's "
                "vocabulary.campaign_pattern"
            )

    def check_against_policy(self, widths: tuple[int, ...]) -> None:
        """Raise ReleaseConfigError when a segment's age does not fit the configured bands,
        or research tables need decades the policy does not make."""
        for name in self.segments:
            self.segment(name, widths)
        if 10 not in widths and any(c.tables for c in self.consumers.values()):
            raise ReleaseConfigError(
                "research tables are by decade: generalization.age_band_widths must include 10"
            )


def load_releases(path: Path = DEFAULT_RELEASES_PATH) -> ReleasesConfig:
    return load_config(path, ReleasesConfig, "releases", ReleaseConfigError)
