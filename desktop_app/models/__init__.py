"""Qt item models, one per resource list, fed by row-level changes from the state store."""
