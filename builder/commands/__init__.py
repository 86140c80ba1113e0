"""One module per subcommand, each with `run(args)`; none imports another or `cli`."""
