"""config/releases.yaml: what ships, and errors that name the setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from runtime.config.releases import DEFAULT_RELEASES_PATH, ReleaseConfigError, load_releases
from transforms.person.eligibility import Purpose


def shipped() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_RELEASES_PATH.read_text(encoding="utf-8"))


def test_the_shipped_config_has_the_promised_segments_and_consumers() -> None:
    config = load_releases()
    config.check_against_policy((10, 5))
    assert {
        "women_20s",
        "men_30s",
        "seoul_economy_readers",
        "sports_fans",
        "shoppers_books",
    } <= set(config.segments)
    women = config.segment("women_20s", (10, 5)).question(Purpose.ADS)
    assert women["genders"] == ["F"] and women["age"] == [20, 29]
    partner, research = config.consumers["demo_partner"], config.consumers["research"]
    assert partner.k == 50 and "women_20s" in partner.segments and research.k == 10
    assert partner.monthly_epsilon > 0 and research.monthly_epsilon > 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["consumers"]["demo_partner"].update(k=20),
            "consumers.demo_partner: Value error, a partner's k must be at least 50",
        ),
        (
            lambda c: c["consumers"]["research"].update(k=5),
            "consumers.research.k: Input should be greater than or equal to 10",
        ),
        (
            lambda c: c["consumers"]["research"].update(release_epsilon=9),
            "release_epsilon is larger than monthly_epsilon",
        ),
        (
            lambda c: c["segments"]["sports_fans"]["behaviour"][0].update(read="golf"),
            "segments.sports_fans: read 'golf' is not one of",
        ),
        (
            lambda c: c["segments"]["women_20s"].update(gender=["W"]),
            "segments.women_20s: Value error, gender ['W']",
        ),
        (
            lambda c: c["consumers"]["demo_partner"]["segments"].append("nobody"),
            "segments ['nobody'] are not defined",
        ),
        (
            lambda c: c["segments"]["men_30s"].update(colour="blue"),
            "segments.men_30s.colour: Extra inputs are not permitted",
        ),
        (
            lambda c: c["segments"]["sports_fans"]["behaviour"][0].update(bought="books"),
            "exactly one of read, bought, clicked",
        ),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(
    tmp_path: Path, change: Any, message: str
) -> None:
    config = shipped()
    change(config)
    path = tmp_path / "releases.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ReleaseConfigError, match="invalid releases file") as err:
        load_releases(path)
    assert message in str(err.value)


def test_an_age_range_off_the_bands_names_the_segment(tmp_path: Path) -> None:
    config = shipped()
    config["segments"]["women_20s"]["age"] = {"from": 20, "to": 27}
    path = tmp_path / "releases.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ReleaseConfigError, match=r"segments.women_20s.age: age range 20..27"):
        load_releases(path).check_against_policy((10, 5))
