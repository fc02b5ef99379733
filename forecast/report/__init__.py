"""PDF situation reports: configuration, content, rendering and the scheduled run."""

from .build import ReportContent, build
from .config import ConfigError, ReportConfig, load_config, slugify
from .run import RunResult, run_report

__all__ = [
    "ConfigError",
    "ReportConfig",
    "ReportContent",
    "RunResult",
    "build",
    "load_config",
    "run_report",
    "slugify",
]
