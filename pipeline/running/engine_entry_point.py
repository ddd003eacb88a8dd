"""The in-process engine's entry point under its old name (see `pipeline/running/__init__.py`)."""

from pipeline.execution.engine_entry_point import InProcessEngine

__all__ = ["InProcessEngine"]
