"""Languages and the interface texts of workbooks, messages and summaries (interface.json)."""
