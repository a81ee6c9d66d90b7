package io.softcifar.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A thin client command of the results-service: its {@link ResultsService} options and where it prints. */
abstract class ResultsServiceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    ResultsService results;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
