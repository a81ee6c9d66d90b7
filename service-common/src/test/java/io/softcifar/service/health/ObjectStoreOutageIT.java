package io.softcifar.service.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.softcifar.infra.local.EmbeddedS3;
import io.softcifar.storage.NoSuchObjectException;
import io.softcifar.storage.ObjectStore;
import io.softcifar.storage.ObjectStoreConfig;
import io.softcifar.storage.ObjectStoreException;
import io.softcifar.storage.ObjectStorePolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real outage of the object store: the S3 server (S3Proxy, objects kept on disk) is stopped and started again on the
 * same port within the test, so the MinIO client sees refused connections, not a mock. The client's timeouts and
 * backoff are set low here so that the outage outlasts several tries.
 */
class ObjectStoreOutageIT {

    private static final String BUCKET = "outage-it";
    /** 8 tries, waits 200, 400, 800, 1000, 1000 … ms: about 6 s in all before a call gives up. */
    private static final ObjectStorePolicy FAST = new ObjectStorePolicy(
            8, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(2));

    @TempDir
    Path data;

    private EmbeddedS3 s3;
    private ObjectStore store;

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private void startStore(ObjectStorePolicy policy) {
        s3 = EmbeddedS3.builder().optDataDir(data).start();
        store = new ObjectStore(ObjectStoreConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), BUCKET), policy);
        store.ensureBucket();
    }

    private void restartServerOnSamePort() {
        // the same port and the same credentials: the clients already configured must reach it again
        s3 = EmbeddedS3.builder()
                .optDataDir(data)
                .optPort(s3.port())
                .optCredentials(s3.accessKey(), s3.secretKey())
                .start();
    }

    @Test
    void aGetDuringAnOutageSucceedsOnceTheStoreIsBackAndTheRetriesAreCounted() throws Exception {
        startStore(FAST);
        store.putBytes("runs/r1/metrics.json", "{\"epoch\":3}".getBytes(StandardCharsets.UTF_8), null);
        long retriesBefore = store.retries();
        s3.close();

        CompletableFuture<byte[]> get = CompletableFuture.supplyAsync(() -> store.getBytes("runs/r1/metrics.json"));
        // the outage lasts until the client has failed at least twice: it outlasts the client's connect timeout
        await().atMost(Duration.ofSeconds(10)).until(() -> store.retries() - retriesBefore >= 2);
        assertThat(get).isNotDone();
        restartServerOnSamePort();

        byte[] bytes = get.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"epoch\":3}");
        assertThat(store.retries() - retriesBefore).isBetween(2L, 7L); // at most attempts - 1 = 7
    }

    @Test
    void anOutageLongerThanTheBudgetIsARetryableFailureAfterExactlyTheConfiguredTries() {
        startStore(new ObjectStorePolicy(
                3, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2)));
        s3.close();
        long retriesBefore = store.retries();
        assertThatThrownBy(() -> store.stat("runs/r1/lease.json"))
                .isInstanceOfSatisfying(
                        ObjectStoreException.class,
                        e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("cannot connect");
        assertThat(store.retries() - retriesBefore).isEqualTo(2); // 3 tries = 2 retries
    }

    @Test
    void aMissingKeyIsNotRetried() {
        startStore(FAST);
        long retriesBefore = store.retries();
        assertThatThrownBy(() -> store.getBytes("runs/none/metrics.json"))
                .isInstanceOfSatisfying(
                        NoSuchObjectException.class,
                        e -> assertThat(e.retryable()).isFalse());
        assertThat(store.retries()).isEqualTo(retriesBefore);
    }

    @Test
    void readinessIsDownWhileTheStoreIsDownAndUpWhenItIsBack() {
        startStore(FAST);
        ObjectStoreHealthCheck check = new ObjectStoreHealthCheck();
        check.store = store;
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        s3.close();
        long retriesBefore = store.retries();
        long start = System.nanoTime();
        HealthCheckResponse down = check.call();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(down.getData().orElseThrow().get("reason").toString()).contains("cannot connect");
        assertThat(store.retries()).as("the health check tries once").isEqualTo(retriesBefore);
        assertThat(millis)
                .as("answers within the connect timeout, not after the retry budget")
                .isLessThan(2_000);

        restartServerOnSamePort();
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
