"""`make preview PERIOD=…`: a local page that shows an edition's bulletin and reloads itself as its inputs
change.

`app` ties the parts together: `worker` (a process that keeps the libraries loaded and runs the same stages
as `make report`), `watching` (which saves are changes: RAW_DIR, notebooks/, pipeline/), `server` (the page,
the edition's files and the reload events) and `page` (what the analyst sees, in Vietnamese).
"""
