package io.softcifar.cli;

import picocli.CommandLine.Command;

@Command(
        name = "bench",
        description = "Benchmarks (images/s) on the current device.",
        subcommands = {
            BenchTrainCommand.class,
            BenchEvaluateCommand.class,
            io.softcifar.cli.stack.BenchPipelineCommand.class
        })
final class BenchCommand extends ParentCommand {}
