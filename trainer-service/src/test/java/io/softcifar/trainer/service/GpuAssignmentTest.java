package io.softcifar.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GpuAssignmentTest {

    @Test
    void concurrentRunsGetDistinctGpusAndAFreedGpuIsReused() throws Exception {
        GpuAssignment gpus = new GpuAssignment(3);
        String a = gpus.acquire("gpu");
        String b = gpus.acquire("auto");
        String c = gpus.acquire("gpu");
        assertThat(java.util.List.of(a, b, c)).containsExactly("gpu:0", "gpu:1", "gpu:2");

        CompletableFuture<String> fourth = CompletableFuture.supplyAsync(() -> {
            try {
                return gpus.acquire("gpu");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // waits for a GPU instead of sharing one: still not done after 200 ms
        org.awaitility.Awaitility.await()
                .during(java.time.Duration.ofMillis(200))
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> !fourth.isDone());
        gpus.release(b);
        assertThat(fourth.get(5, TimeUnit.SECONDS)).isEqualTo("gpu:1");
    }

    @Test
    void oneGpuCpuAndExplicitIndicesAreLeftAsTheyAre() throws Exception {
        assertThat(new GpuAssignment(1).acquire("gpu")).isEqualTo("gpu");
        assertThat(new GpuAssignment(0).acquire("auto")).isEqualTo("auto");
        GpuAssignment two = new GpuAssignment(2);
        assertThat(two.acquire("cpu")).isEqualTo("cpu");
        assertThat(two.acquire("gpu:1")).isEqualTo("gpu:1");
        assertThat(two.acquire("gpu")).isEqualTo("gpu:0"); // the explicit gpu:1 is not tracked
    }
}
