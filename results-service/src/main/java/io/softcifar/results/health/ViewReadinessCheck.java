package io.softcifar.results.health;

import io.softcifar.results.service.StudyService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: the view has been rebuilt from Kafka and is still following it. */
@Readiness
@ApplicationScoped
public class ViewReadinessCheck implements HealthCheck {

    @Inject
    StudyService service;

    @Override
    public HealthCheckResponse call() {
        var follower = service.follower();
        boolean up = follower != null
                && follower.isRunning()
                && follower.caughtUp().isDone()
                && !follower.caughtUp().isCompletedExceptionally();
        var builder = HealthCheckResponse.named("results-view").status(up);
        if (follower != null) {
            builder.withData("eventsApplied", follower.applied())
                    .withData("rebuilt", follower.caughtUp().isDone());
        }
        return builder.build();
    }
}
