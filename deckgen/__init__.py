"""deckgen: compile a Markdown blog post into an editable PPTX and a PDF."""

__version__ = "0.1.0"
