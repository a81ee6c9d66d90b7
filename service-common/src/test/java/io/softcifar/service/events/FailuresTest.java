package io.softcifar.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.events.JsonDecodingException;
import io.softcifar.storage.NoSuchObjectException;
import io.softcifar.storage.ObjectStoreException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The one classification of failures: outages are retried, verdicts and bugs are not. */
class FailuresTest {

    @Test
    void outagesAreRetryableWhereverTheyAreInTheCauseChain() {
        assertThat(Failures.classify(new ObjectStoreException("cannot connect", null, true)))
                .isEqualTo(Failures.Kind.RETRYABLE);
        assertThat(Failures.classify(new RuntimeException("publishing failed", new TimeoutException("no broker"))))
                .isEqualTo(Failures.Kind.RETRYABLE);
        assertThat(Failures.classify(new ExecutionException(
                        new IllegalStateException("import failed", new ObjectStoreException("down", null, true)))))
                .isEqualTo(Failures.Kind.RETRYABLE);
        assertThat(Failures.classify(new UncheckedIOException(new ConnectException("refused"))))
                .isEqualTo(Failures.Kind.RETRYABLE);
        assertThat(Failures.classify(new RetryableEventException("dataset service away")))
                .isEqualTo(Failures.Kind.RETRYABLE);
    }

    @Test
    void verdictsAnswersAndBugsArePoison() {
        assertThat(Failures.classify(
                        new RejectedEventException("no such dataset", new ObjectStoreException("down", null, true))))
                .as("the handler's verdict comes first")
                .isEqualTo(Failures.Kind.POISON);
        assertThat(Failures.classify(new NoSuchObjectException("k", "no such object", null)))
                .isEqualTo(Failures.Kind.POISON);
        assertThat(Failures.classify(new ObjectStoreException("bad credentials")))
                .isEqualTo(Failures.Kind.POISON);
        assertThat(Failures.classify(new RuntimeException(new RecordTooLargeException("1 MB"))))
                .isEqualTo(Failures.Kind.POISON);
        assertThat(Failures.classify(new JsonDecodingException("not JSON"))).isEqualTo(Failures.Kind.POISON);
        assertThat(Failures.classify(new NullPointerException())).isEqualTo(Failures.Kind.POISON);
    }
}
