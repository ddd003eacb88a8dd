"""The notebooks' API (see the package's docstring): the blocks every document of an edition carries."""

from pipeline.documents.compose.blocks import below_target, commentary, key_figures, lead, unit_table

__all__ = ["below_target", "commentary", "key_figures", "lead", "unit_table"]
