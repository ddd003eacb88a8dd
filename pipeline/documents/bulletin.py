"""The notebooks' API (see the package's docstring): the edition's data, and the bulletin's own blocks."""

from pipeline.documents.compose.edition import data_notes, load, title_block

__all__ = ["data_notes", "load", "title_block"]
