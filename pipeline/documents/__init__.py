"""Indicators to documents: the content blocks, the charts, the commentary, the bulletin (HTML, PDF), the formal report (Word, PDF), the annex workbook and the manifest."""
