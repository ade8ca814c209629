"""What the tools share: command-line arguments and config loading, the
checks of a config before a runner exists, the process group, building the
runner."""
