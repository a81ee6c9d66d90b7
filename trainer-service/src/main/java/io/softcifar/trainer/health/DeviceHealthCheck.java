package io.softcifar.trainer.health;

import io.softcifar.trainer.config.TrainerSettings;
import io.softcifar.trainer.service.DeviceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: the configured device exists ({@code gpu} without a visible GPU is DOWN, with the reason). */
@Readiness
@ApplicationScoped
public class DeviceHealthCheck implements HealthCheck {

    @Inject
    DeviceStatus status;

    @Inject
    TrainerSettings settings;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("training-device")
                .withData("setting", settings.device())
                .withData("gpus", status.gpuCount())
                .withData("slots", status.slots());
        return status.problem()
                .map(p -> builder.down().withData("reason", p).build())
                .orElseGet(
                        () -> builder.up().withData("device", status.device()).build());
    }
}
