"""The PII scanner as the policy configures it: Presidio (offline, blank spaCy pipelines) with
the known-member deny-list when there is one."""

from __future__ import annotations

from runtime.config.policy import PolicyConfig
from transforms.pii.analyzer import AnalyzerSettings
from transforms.pii.known_members import KnownMembers
from transforms.pii.scanner import ScanSettings, TextScanner


def text_scanner(policy: PolicyConfig, known: KnownMembers | None, workers: int = 0) -> TextScanner:
    """`workers`: processes for large scans, 0 for one per CPU."""
    analyzer = AnalyzerSettings(ner_model=policy.pii.ner_model)
    return TextScanner(ScanSettings(analyzer=analyzer, workers=workers), known)
