"""The notebooks' API (see the package's docstring): the revision note of a later published version."""

from pipeline.documents.compose.revisions import note

__all__ = ["note"]
