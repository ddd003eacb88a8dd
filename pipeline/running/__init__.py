"""Running the stages: the command line make calls, which stages must run, Papermill and its in-process engine, the inputs' fingerprints."""
