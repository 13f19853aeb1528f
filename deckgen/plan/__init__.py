"""Stage 3, plan: split a `Document` into a `Deck` of slides with their layout kinds,
content and notes (`planner.plan_deck`). Knows no sizes, reads no file."""
