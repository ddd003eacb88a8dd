"""Old home of `pipeline.execution`, kept only for environments installed before the move.

An environment installed from an older checkout (`pip install -e .`) registered Papermill's in-process
engine as `pipeline.running.engine_entry_point:InProcessEngine`, and Papermill imports every registered
entry point when it is itself imported: without this package, Papermill would fail to load there until the
environment is installed again. pyproject.toml now names `pipeline.execution.engine_entry_point`.
Nothing in the product imports this package.
"""
