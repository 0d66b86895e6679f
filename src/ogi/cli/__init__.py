"""The ``ogi`` command: one module per subcommand, each a thin layer over importable functions."""
