"""Verifier service: fetching remote documents over HTTPS safely, reports for people."""
