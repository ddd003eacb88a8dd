"""Half-yearly party-membership development bulletins: cleaning, indicators and rendering."""

__version__ = "0.1.0"
