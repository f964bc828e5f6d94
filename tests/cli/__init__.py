"""The command line: every subcommand, its files, bad and hostile input, injection."""
