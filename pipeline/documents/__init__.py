"""Indicators to documents: the bulletin (HTML, PDF), the formal report (Word, PDF), the annex workbook and
the manifest, in three subpackages by concern, each importing only those before it:

- `content`: the block model, the one registry of block kinds, Markdown and executed notebooks as blocks;
- `compose`: an edition's data (`EditionData`) and what is built from it: blocks, narrative, commentary,
  revisions, charts with their cache;
- `render`: HTML, PDF, Word, the workbook and the manifest, written from blocks and indicators.

`stage` runs the documents stage (the notebooks, then the renderers); the forks and PDF workers it uses are
the execution layer's (`pipeline.execution.parallel`), given their initializer by `render.pdf.workers`.

The notebooks' API: the modules `blocks`, `bulletin`, `charts`, `member_blocks`, `report` and `revisions` of
this package are what `notebooks/03_bulletin.ipynb` and `04_report.ipynb` import
(`from pipeline.documents import blocks, bulletin, charts, member_blocks, report, revisions`). Provinces keep
their own edited copies of those notebooks, so these six names and the functions they hold stay as they are
whatever moves behind them: each is a thin facade over `compose`, re-exporting exactly what a notebook calls.
Code of the package imports the subpackages, never the facades.
"""
