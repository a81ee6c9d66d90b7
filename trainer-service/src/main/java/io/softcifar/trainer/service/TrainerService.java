package io.softcifar.trainer.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.storage.ObjectStore;
import io.softcifar.trainer.config.TrainerSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The service's one {@link RunExecutor} and {@link RunRegistry}, wired from CDI beans. */
@ApplicationScoped
public class TrainerService {

    @Inject
    ObjectStore store;

    @Inject
    EventPublisher publisher;

    @Inject
    TrainerSettings settings;

    @Inject
    MeterRegistry meters;

    private RunRegistry registry;
    private RunExecutor executor;
    private TrainerMetrics metrics;

    @PostConstruct
    void init() {
        registry = new RunRegistry();
        metrics = new TrainerMetrics(meters, registry);
        executor = new RunExecutor(
                store,
                publisher::publish,
                registry,
                metrics,
                settings.workDir(),
                settings.device(),
                settings.leaseTtl(),
                settings.leaseSettle().orElse(RunLeases.defaultSettle(settings.leaseTtl())),
                RunExecutor.Hooks.NONE);
    }

    public TrainerMetrics metrics() {
        return metrics;
    }

    public RunExecutor executor() {
        return executor;
    }

    public RunRegistry registry() {
        return registry;
    }
}
