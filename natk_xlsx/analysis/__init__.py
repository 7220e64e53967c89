"""The analysis stage: consolidating returns into needs, conflicts and justice chains."""
