"""The credential core: create, sign and verify Open Badges 3.0 credentials.

Pure and offline: this package imports nothing from the web, storage or CLI layers and
never touches the network; remote documents come through an injected
:class:`~microcred.credentials.documents.Fetcher`.
"""
