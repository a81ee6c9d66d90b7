package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    @Test
    void aFailedStartIsExplainedByItsFirstErrorLineAndItsRootCause() {
        List<String> log = List.of(
                "2026-12-05 15:30:01,000 INFO  [io.quarkus] (main) starting",
                "2026-12-05 15:30:02,000 ERROR [io.quarkus.runtime.Application] (main) Port 9081 seems to be in use by"
                        + " another process. Quarkus may already be running or the port is used by another application.",
                "2026-12-05 15:30:02,001 ERROR [io.quarkus.runtime.Application] (main) Failed to start application",
                "java.lang.RuntimeException: Unable to start HTTP server",
                "\tat io.quarkus.vertx.http.runtime.VertxHttpRecorder.doServerStart(VertxHttpRecorder.java:1)",
                "Caused by: java.util.concurrent.CompletionException: java.net.BindException: Address already in use",
                "\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:1)",
                "Caused by: java.net.BindException: Address already in use",
                "\tat java.base/sun.nio.ch.Net.bind0(Native Method)");
        assertThat(ServiceProcess.cause(log))
                .isEqualTo(": 2026-12-05 15:30:02,000 ERROR [io.quarkus.runtime.Application] (main) Port 9081 seems to"
                        + " be in use by another process. Quarkus may already be running or the port is used by another"
                        + " application.; root cause: java.net.BindException: Address already in use");
    }

    @Test
    void aLogWithoutAnErrorAddsNothingAndACauseAloneIsNamed() {
        assertThat(ServiceProcess.cause(List.of("starting", "\tat x.y(Z.java:1)")))
                .isEmpty();
        assertThat(ServiceProcess.cause(List.of("Caused by: java.lang.IllegalStateException: no bucket")))
                .isEqualTo(": java.lang.IllegalStateException: no bucket");
    }
}
