#!/usr/bin/env bash
# Create the isolated virtual environment used by the PipelineDP half of the
# segment-count benchmark (bench/pipelinedp_segments.py).
#
# PipelineDP must NEVER be installed into the project's own .venv: it pins its
# own dependency set (python-dp, numpy, ...) which we do not want leaking into
# veil. So it lives in bench/.venv-pipelinedp/ (git-ignored).
#
# Usage:   bash bench/pipelinedp_env.sh
# Then:    bench/.venv-pipelinedp/bin/python bench/pipelinedp_segments.py --help
#
# Idempotent: once the install succeeded a marker file
# bench/.venv-pipelinedp/.installed is written and later runs do nothing.
# Delete the venv directory (or only the marker) to force a reinstall.
#
# Packages come from pip's configured index/registries on this machine (see
# `pip config list` / /etc/pip.conf); no other network access is needed.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${BENCH_DIR}/.venv-pipelinedp"
MARKER="${VENV}/.installed"

# Pinned PipelineDP version; pyarrow is unpinned (any version that resolves
# alongside it) and is only used to read the Parquet input.
PIPELINE_DP_SPEC="pipeline-dp==0.3.1"
PYARROW_SPEC="pyarrow"

if [[ -f "${MARKER}" ]]; then
    echo "pipelinedp venv already installed: ${VENV}"
    exit 0
fi

# Prefer python3.11 (the project's interpreter); fall back to python3.
if command -v python3.11 >/dev/null 2>&1; then
    PY=python3.11
else
    PY=python3
fi

if [[ ! -x "${VENV}/bin/python" ]]; then
    echo "creating venv ${VENV} with ${PY}"
    "${PY}" -m venv "${VENV}"
fi

# Quiet install (-qq also hides pip's "Location ... is ignored" warnings about
# configured extra index paths that do not exist on every machine); a failure
# aborts (set -e) and leaves no marker, so the next run retries.
"${VENV}/bin/python" -m pip install -qq "${PIPELINE_DP_SPEC}" "${PYARROW_SPEC}"

# Sanity import before declaring success.
"${VENV}/bin/python" -c "import pipeline_dp, pyarrow; print('pipeline_dp', getattr(pipeline_dp, '__version__', '?'), 'pyarrow', pyarrow.__version__)"

touch "${MARKER}"
echo "pipelinedp venv ready: ${VENV}"
