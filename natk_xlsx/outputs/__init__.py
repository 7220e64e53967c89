"""The outputs stage: the summary workbook, CSV and JSON, and reports for people and programs."""
