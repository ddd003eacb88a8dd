"""Composing an edition: its data (`edition.EditionData`, what every document of an edition is written
from), the blocks built from it (the lead and key figures, the commentary, the units below target, the
table by unit, the membership balance, the revision note, the formal report's own parts) and the charts
(`charts`, the kinds the notebooks call; `charting`, how a chart is drawn, exported and kept). Every figure
is a row of indicators.csv; these modules format, they never compute an indicator.
"""
