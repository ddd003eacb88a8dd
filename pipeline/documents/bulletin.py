"""The notebooks' API (see the package's docstring): the edition's data, and the bulletin's own blocks."""

from pipeline.documents.compose.bulletin_parts import data_notes, title_block
from pipeline.documents.compose.edition import load

__all__ = ["data_notes", "load", "title_block"]
