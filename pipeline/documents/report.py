"""The notebooks' API (see the package's docstring): the formal report's own blocks."""

from pipeline.documents.compose.report_parts import header, signature, title

__all__ = ["header", "signature", "title"]
