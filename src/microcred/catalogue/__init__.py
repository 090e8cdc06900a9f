"""Catalogue: credential definitions, skills frameworks (ESCO), search, completeness."""
