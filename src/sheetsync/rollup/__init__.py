"""The roll-up (汇总表): ``compute`` (rows + master → statuses and gaps), ``workbook`` (the file)."""
