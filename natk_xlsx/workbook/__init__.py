"""The workbook stage: the layout plan, the xlsx writer, generation."""
