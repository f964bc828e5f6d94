"""The review rules as data: the process tables, the law by place, every finding code."""
