"""How a chart is made, apart from which charts there are (`compose.charts`): the chart object, its pictures
and the edition's cache of them (`picture`), the drawing parts the charts share (`drawing`), the charts
against a target (`targets`), the SVG as the documents embed it (`svg`) and its narrow variant for phones
(`narrow`).
"""
