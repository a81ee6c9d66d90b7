package io.softcifar.results.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.infra.local.EmbeddedKafka;
import io.softcifar.results.service.ResultsView;
import io.softcifar.service.kafka.TopicInitializer;
import io.softcifar.testsupport.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results view started while Kafka is unreachable keeps trying (it used to stop for good, leaving readiness DOWN
 * until a restart) and catches up once a real broker appears on the address it was given.
 */
class ViewFollowerStartIT {

    @TempDir
    Path data;

    @Test
    void aViewStartedBeforeKafkaKeepsTryingAndCatchesUpWhenTheBrokerComes() throws Exception {
        int port = FreePorts.one(); // nothing may take it (a client's local port) before the broker binds it
        ResultsView view = new ResultsView(new StudyExpander(100));
        try (ViewFollower follower = new ViewFollower("127.0.0.1:" + port, view, "it-view-start").start()) {
            await().atMost(Duration.ofSeconds(90)).until(() -> follower.startAttempts() >= 2);
            assertThat(follower.isRunning()).isTrue();
            assertThat(follower.caughtUp()).isNotDone();

            try (EmbeddedKafka kafka =
                    EmbeddedKafka.builder().optDataDir(data).optBrokerPort(port).start()) {
                TopicInitializer.createMissing(kafka.bootstrapServers(), Topics.all());
                follower.caughtUp().get(120, TimeUnit.SECONDS);
                assertThat(follower.isRunning()).isTrue();
                System.out.printf("view caught up after %d failed start attempts%n", follower.startAttempts());
            }
        }
    }
}
