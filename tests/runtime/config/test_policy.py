from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from runtime.config.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy


def write(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    change(data)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_shipped_policy_loads() -> None:
    policy = load_policy()
    assert policy.generalization.age_band_widths == (10, 5)
    assert policy.marts.k == 10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["eligibility"]["ads"].update(require_consent_ads=False),
            "require_consent_ads must be true",
        ),
        (
            lambda d: d["eligibility"]["research"].update(exclude_opt_out_research=False),
            "research.exclude_opt_out_research",
        ),
        (
            lambda d: d["eligibility"]["analytics"].update(exclude_opt_out_research=False),
            "analytics.exclude_opt_out_research",
        ),
        (lambda d: d["eligibility"].pop("ads"), "missing"),
        (lambda d: d["generalization"].update(age_band_widths=[1]), "between 2 and 50"),
        (lambda d: d["generalization"].update(referrer_keep="full"), "referrer_keep"),
        (lambda d: d.update(unknown_columns={"nope": {"x": "safe"}}), "not in the contract"),
        (lambda d: d.update(unknown_columns={"members": {"x": "public"}}), "unknown_columns"),
        (lambda d: d.update(extra_setting=1), "extra_setting"),
        (lambda d: d["marts"].update(k=9), "marts.k"),
    ],
)
def test_settings_that_loosen_a_promise_or_make_no_sense_are_refused(
    tmp_path, change, message
) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(write(tmp_path, change))


def test_tightening_is_allowed(tmp_path) -> None:
    policy = load_policy(
        write(tmp_path, lambda d: d["eligibility"]["analytics"].update(require_consent_ads=True))
    )
    assert policy.eligibility["analytics"].require_consent_ads
    assert load_policy(write(tmp_path, lambda d: d["marts"].update(k=25))).marts.k == 25


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(tmp_path / "absent.yaml")
