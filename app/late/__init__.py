"""The monthly late tables: working-day calendar, counting rules, computing and publishing months."""
