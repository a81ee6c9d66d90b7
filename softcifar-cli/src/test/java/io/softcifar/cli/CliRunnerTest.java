package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliRunnerTest {

    /** The line StackEndToEndIT once caught from the embedded broker, a JBoss-format line, and the command's own. */
    @Test
    void errLinesLeaveOutOtherThreadsLogLinesButKeepTheCommandsOwn() {
        String err = """
                [quorum-controller-1-event-handler] INFO org.apache.kafka.controller.EventPerformanceMonitor - [QuorumController id=1] In the last 60000 ms period, 324 controller events were completed
                softcifar: results-service: run 'r' is FINISHED and has no failed evaluation
                2026-12-04 11:54:55,647 WARN  [org.apache.kafka.clients.NetworkClient] (thread) recoverable issue
                [main] note: a line that only starts with brackets stays
                """;
        assertThat(new CliRunner.Result(1, "", err).errLines())
                .containsExactly(
                        "softcifar: results-service: run 'r' is FINISHED and has no failed evaluation",
                        "[main] note: a line that only starts with brackets stays");
        assertThat(new CliRunner.Result(0, "", "  \n").errLines()).isEmpty();
    }
}
