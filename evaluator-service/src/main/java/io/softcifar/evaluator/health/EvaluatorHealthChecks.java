package io.softcifar.evaluator.health;

import io.softcifar.evaluator.config.EvaluatorSettings;
import io.softcifar.evaluator.events.CheckpointListener;
import io.softcifar.ml.train.DeviceSelection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Liveness: the checkpoint consumer's poll thread runs (if it died, restart the process). Readiness: the configured
 * device is usable ({@code gpu} without a visible CUDA device is DOWN with that reason). The broker (Quarkus Kafka
 * health) and the object store (service-common) have their own readiness checks.
 */
@ApplicationScoped
public class EvaluatorHealthChecks {

    @Inject
    CheckpointListener listener;

    @Inject
    EvaluatorSettings settings;

    private volatile HealthCheckResponse device;

    @Produces
    @Liveness
    HealthCheck consumer() {
        return () -> HealthCheckResponse.named("checkpoint-consumer")
                .status(listener.isConsuming())
                .withData("evaluationsInProgress", listener.inProgress())
                .build();
    }

    @Produces
    @Readiness
    HealthCheck device() {
        return () -> {
            HealthCheckResponse known = device;
            if (known == null) { // resolving loads the PyTorch natives once; the answer cannot change while we run
                try {
                    String name = DeviceSelection.resolve(settings.device()).toString();
                    known = HealthCheckResponse.named("device")
                            .up()
                            .withData("configured", settings.device())
                            .withData("device", name)
                            .build();
                } catch (RuntimeException e) {
                    known = HealthCheckResponse.named("device")
                            .down()
                            .withData("configured", settings.device())
                            .withData("reason", String.valueOf(e.getMessage()))
                            .build();
                }
                device = known;
            }
            return known;
        };
    }
}
