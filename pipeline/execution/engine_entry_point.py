"""Papermill's entry point for the in-process engine (`papermill.engine` in pyproject.toml).

Papermill loads its engines' entry points while it is itself being imported, and `pipeline.execution.engine` imports
Papermill: a module of its own, loading the engine on first use, keeps either import order working.
"""

from __future__ import annotations

from typing import Any


class InProcessEngine:
    """Stands for `pipeline.execution.engine.InProcessEngine` until Papermill first uses it."""

    @staticmethod
    def _engine() -> Any:
        from pipeline.execution import engine

        return engine.InProcessEngine

    @classmethod
    def execute_notebook(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._engine().execute_notebook(*args, **kwargs)

    @classmethod
    def nb_kernel_name(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._engine().nb_kernel_name(*args, **kwargs)

    @classmethod
    def nb_language(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._engine().nb_language(*args, **kwargs)
