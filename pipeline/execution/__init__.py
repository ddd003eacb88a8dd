"""How stages run: which must run (content keys and stamps), Papermill and its in-process engine, the
cells' outputs and errors, the inputs' fingerprints that make watches. Below every stage's own code: it
imports `common` only (tests/unit/test_layers.py)."""
