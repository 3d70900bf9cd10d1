"""Engine providers: where an engine comes from, and its lifecycle."""
