"""Writing the documents from their content: the bulletin's HTML from its executed notebook
(`bulletin_html`, nbconvert), the formal report's HTML page (`report_page`), both PDFs (`pdf`, WeasyPrint),
the report's Word file (`report_docx`, with `docx_layout`), the annex workbook (`annex`) and the manifest
(`manifest`). Renderers format what they are given; they compute nothing. The templates and fonts they use
stay in `pipeline/documents/templates` and `pipeline/documents/fonts`.
"""
