package io.softcifar.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./softcifar}: the command line of soft-cifar. What {@code --help} says about each option and parameter of
 * every command is in the resource bundle {@code io/softcifar/cli/help.properties} (inherited by the subcommands).
 */
@Command(
        name = "softcifar",
        resourceBundle = "io.softcifar.cli.help",
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        version = "soft-cifar 0.1.0",
        description =
                "Soft-label vs hard-label training on CIFAR-10H: train, evaluate and benchmark ResNet models; run the "
                        + "services on this machine (up) and talk to them (dataset import).",
        subcommands = {
            TrainCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            io.softcifar.cli.stack.UpCommand.class,
            io.softcifar.cli.stack.DemoCommand.class,
            DatasetCommand.class,
            PlanCommand.class,
            StudyCommands.Submit.class,
            StudyCommands.Status.class,
            ResultsCommands.Compare.class,
            ResultsCommands.Runs.class,
            FetchCommand.class,
            ResultsCommands.Open.class,
            DlqCommand.class,
            io.softcifar.cli.stack.ApiKeyCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SoftCifar extends ParentCommand {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SoftCifar());
        cl.setExecutionExceptionHandler(SoftCifar::handleError);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("softcifar: " + ex.getMessage());
            err.println(
                    "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            return 2;
        });
        return cl;
    }

    /** Every error a user can cause ends as one line on stderr and exit code 1; never a stack trace. */
    private static int handleError(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        if (ex instanceof java.io.UncheckedIOException
                || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException
                || ex instanceof io.softcifar.ml.data.InvalidDataException
                || ex instanceof io.softcifar.infra.local.InfrastructureException) { // e.g. `up` on a port in use
            cl.getErr().println("softcifar: " + message);
        } else {
            cl.getErr()
                    .println("softcifar: internal error: " + ex.getClass().getSimpleName() + ": " + message
                            + (Boolean.getBoolean("softcifar.debug")
                                    ? ""
                                    : " (run with -Dsoftcifar.debug=true for details)"));
            if (Boolean.getBoolean("softcifar.debug")) {
                ex.printStackTrace(cl.getErr());
            }
        }
        return 1;
    }
}
