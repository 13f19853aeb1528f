"""Stage 2, parse: turn a `Source` into a `Document` of typed blocks
(`parser.parse_document`), with citations, TeX and other tools' syntax read."""
