"""Half-yearly party-membership development bulletins: cleaning, indicators and rendering."""

import sys

__version__ = "0.1.0"

# jsonschema (through nbformat) imports rfc3987_syntax, which compiles some 35 Earley grammars at import:
# over a second in every stage, for "iri" formats no notebook schema uses (python-jsonschema#1428).
# A None entry makes that optional import fail fast, and jsonschema goes on without those two checkers.
sys.modules.setdefault("rfc3987_syntax", None)
