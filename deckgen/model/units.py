"""The one unit of geometry: EMU (English Metric Units), integers, as in Office files.

Every length from the theme on is in EMU; only the PDF and HTML renderers turn it into
points or pixels, with these constants.
"""

INCH = 914400  # EMU in an inch
PT = 12700  # EMU in a point (1/72 inch)

Rect = tuple[int, int, int, int]  # x, y, width, height in EMU

# the notes handout's paper sizes, portrait
PAPERS = {"a4": (7560310, 10692130), "letter": (7772400, 10058400)}
