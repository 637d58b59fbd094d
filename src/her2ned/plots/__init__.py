"""Plotting functions, one module per chapter topic. Every function takes ``ax=None`` and returns ``ax``."""
