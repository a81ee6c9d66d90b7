package io.softcifar.cli;

import picocli.CommandLine.Command;

@Command(
        name = "bench",
        description = "Benchmarks (images/s) on the current device.",
        subcommands = {BenchTrainCommand.class, BenchEvaluateCommand.class})
final class BenchCommand extends ParentCommand {}
