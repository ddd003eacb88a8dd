"""The notebooks' API (see the package's docstring): the charts of the bulletin and the formal report."""

from pipeline.documents.compose.charts import (
    admissions_trend,
    admissions_vs_target,
    by_organization,
    composition,
    villages,
)

__all__ = ["admissions_trend", "admissions_vs_target", "by_organization", "composition", "villages"]
