"""Domain rules as pure functions and SQL expressions: one home per rule (DESIGN.md)."""
