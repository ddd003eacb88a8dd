"""Published versions (SPEC 9): make publish, make diff, make verify VERSION=N."""
