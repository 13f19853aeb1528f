"""The data that passes between the stages: a parsed `Document`, a planned `Deck`, laid-out
`Pages`, and the units their geometry is in. Frozen dataclasses, no behaviour."""
