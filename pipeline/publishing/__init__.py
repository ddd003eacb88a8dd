"""Published versions (SPEC 9): make publish, make diff, make verify VERSION=N; and the index of the
reports and published versions (`make index`)."""
