"""HTTP API routers, one module per domain (registered in :mod:`microcred.web.app`)."""
