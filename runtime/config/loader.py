"""One loader and one strict base model for the privacy officer's files (policy.yaml and
releases.yaml): unknown settings refused, every error naming its setting, never its value."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

REPO = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO / "config"


class StrictConfig(BaseModel):
    """No unknown key (a typo must not silently keep a default), nothing changed after load."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ConfigError(ValueError):
    """A config file is missing, malformed, or would loosen a promise."""


Model = TypeVar("Model", bound=StrictConfig)


def config_problems(exc: ValidationError) -> str:
    """One line per problem, `setting.path: message`, without the offending value."""
    return "\n".join(f"  {_location(e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors())


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if not str(p).startswith("function-after"))


def load_config(path: Path, model: type[Model], what: str, error: type[ConfigError]) -> Model:
    """`path` read as YAML and validated as `model`; `error` (naming `what` file) otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"cannot read {what} file {path}: {exc}") from exc
    except ValidationError as exc:
        raise error(f"invalid {what} file {path}:\n{config_problems(exc)}") from exc
