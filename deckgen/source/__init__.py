"""Stage 1, source: read a post (front matter, its site, Liquid or Hugo shortcodes, the
dialect it is written in) into a `Source` (`reader.read_source`)."""
