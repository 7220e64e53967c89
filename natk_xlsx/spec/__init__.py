"""The spec stage: the data model, loading and linting the spec files, conditions, texts."""
