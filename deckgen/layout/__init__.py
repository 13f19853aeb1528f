"""Stage 4, layout: place every slide's content in EMU rectangles, text measured with the
theme's fonts and fitted, pictures and formulas prepared (`engine.lay_out` → `Pages`)."""
