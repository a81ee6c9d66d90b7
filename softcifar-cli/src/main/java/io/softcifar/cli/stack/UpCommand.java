package io.softcifar.cli.stack;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code softcifar up}: the stack on this machine until Ctrl-C. */
@Command(
        name = "up",
        description = {
            "Start the whole system on this machine, no Docker needed: a Kafka broker and an S3 server in "
                    + "this process, the services as child processes. Ctrl-C stops everything.",
            "Services that die are restarted. Logs: <home>/logs/<service>.log.",
            "Local data can be imported only from folders given with --import-root DIR."
        })
public final class UpCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions stackOptions;

    @Option(names = "--services", split = ",", paramLabel = "NAME")
    List<String> services;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        LocalStack stack = stackOptions.start(services, out);
        out.println("Ready.");
        stack.printUrls(out);
        stack.runUntilInterrupted(out);
    }
}
