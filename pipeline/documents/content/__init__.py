"""The content model: what a document says, as data. Blocks (`model`: headings, paragraphs, lists, tables,
figures, sections, and the formal report's header, title and signature), the one registry of their kinds
(`kinds`), Markdown as blocks (`markdown`), and the blocks an executed notebook shows (`notebook`). Nothing
here knows the indicators or a document's format: `compose` builds blocks, `render` writes them.
"""
