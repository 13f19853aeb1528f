"""Renderers: each turns laid-out `Pages` into the bytes of one output format."""
