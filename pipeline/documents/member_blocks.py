"""The notebooks' API (see the package's docstring): the membership balance (SPEC 11)."""

from pipeline.documents.compose.member_blocks import balance

__all__ = ["balance"]
