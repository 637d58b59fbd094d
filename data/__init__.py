"""The data the book ships: the claim ledger (``published/``) and the synthetic tables
(``reconstructed/``). Installed as ``her2ned.data``; read them through :mod:`her2ned.datasets`."""
