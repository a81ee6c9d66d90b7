package io.softcifar.trainer.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.events.TrainingRequested;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.service.cores.CoreLedger;
import io.softcifar.service.events.EventConsumer;
import io.softcifar.service.events.ListenerLifecycle;
import io.softcifar.service.kafka.ConsumerRetrySettings;
import io.softcifar.service.kafka.KafkaSettings;
import io.softcifar.trainer.config.TrainerSettings;
import io.softcifar.trainer.service.DeviceStatus;
import io.softcifar.trainer.service.RequestBacklog;
import io.softcifar.trainer.service.TrainerService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Consumes {@code training.requested} in the shared group {@code trainer-service}, {@code slots} runs at a time.
 * The service-common {@link EventConsumer} pauses a record's partition while its run trains (hours) and keeps
 * polling, so this replica stays in the group; the offset is committed when the run has ended (terminal event
 * published). A replica that dies mid-run leaves the offset uncommitted: the request is delivered again, and the
 * run resumes from its last checkpoint in the bucket.
 */
@ApplicationScoped
public class TrainingRequestListener {

    private static final Logger LOG = Logger.getLogger(TrainingRequestListener.class);

    @Inject
    TrainerService service;

    @Inject
    KafkaSettings kafka;

    @Inject
    ConsumerRetrySettings retry;

    @Inject
    TrainerSettings settings;

    @Inject
    DeviceStatus device;

    @Inject
    ListenerLifecycle consumers;

    private RequestBacklog backlog;

    /** Intra-op threads of each run when several share the replica's cores (0: one slot, the process's count). */
    private int threadsPerRun;

    /**
     * The machine's core ledger when this trainer shares the machine with an evaluator ({@code ./softcifar up}): each
     * run on the CPU claims its threads there while it is handled, so the evaluator knows which cores are idle.
     */
    private Optional<CoreLedger> ledger = Optional.empty();

    /** Each slot's name in the ledger: the consumer's worker threads may share one thread name. */
    private final AtomicInteger slotsNamed = new AtomicInteger();

    private final ThreadLocal<String> slotName = ThreadLocal.withInitial(() -> "slot-" + slotsNamed.incrementAndGet());

    void start(@Observes @Priority(100) StartupEvent event) {
        backlog = new RequestBacklog(kafka.clientProperties(), settings.consumerGroup(), Topics.TRAINING_REQUESTS);
        service.metrics().backlog(backlog);
        service.metrics().gpuMemory(device.gpuCount());
        if (device.problem().isPresent()) {
            // taking requests would fail every one of them; readiness is DOWN with the reason instead
            LOG.errorf(
                    "not consuming %s: %s",
                    Topics.TRAINING_REQUESTS, device.problem().get());
            return;
        }
        int slots = device.slots();
        if (device.gpuCount() > 1 && slots > device.gpuCount()) {
            LOG.warnf("%d slots on %d GPUs: runs beyond the GPU count wait for a free GPU", slots, device.gpuCount());
        }
        // several runs at once share the cores: each run's thread gets an even share of the intra-op threads
        threadsPerRun = slots > 1 ? EngineSetup.threadsPerRun(slots) : 0;
        ledger = device.device().startsWith("cpu") ? CoreLedger.configured() : Optional.empty();
        consumers.start(consumers
                .consumer(settings.consumerGroup(), Topics.TRAINING_REQUESTS, this::handle)
                .onGiveUp((envelope, record, reason) -> envelope.payloadAs(TrainingRequested.class)
                        .ifPresent(r -> service.executor().giveUp(r, envelope.correlation(), reason)))
                .slots(slots)
                .property("session.timeout.ms", (int) settings.sessionTimeout().toMillis()));
        LOG.infof(
                "consuming %s in group %s with %d slot(s) on %s (%s intra-op threads per run%s); retry budget %s",
                Topics.TRAINING_REQUESTS,
                settings.consumerGroup(),
                slots,
                device.device(),
                threadsPerRun > 0 ? threadsPerRun : EngineSetup.threads(),
                ledger.map(l -> ", claimed in the core ledger " + l.dir()).orElse(""),
                retry);
    }

    void stop(@Observes ShutdownEvent event) {
        if (consumers.started()) {
            // SIGTERM: runs stop after their current step, give up their leases and leave their requests uncommitted;
            // the request is read again (after a restart, or by another replica) and resumes from the last checkpoint
            int stopping = service.registry().suspendAll();
            LOG.infof(
                    "shutdown: %d run(s) stop after their current step (grace %d s)",
                    stopping, settings.shutdownGrace().toSeconds());
            consumers.stop(settings.shutdownGrace());
        }
        if (backlog != null) {
            backlog.close();
        }
    }

    void handle(EventEnvelope envelope, ConsumerRecord<String, String> record) throws InterruptedException {
        TrainingRequested request = ListenerLifecycle.expect(envelope, record, TrainingRequested.class);
        if (threadsPerRun > 0) {
            EngineSetup.useThreads(threadsPerRun); // per calling thread: this slot's runs only
        }
        int threads = threadsPerRun > 0 ? threadsPerRun : EngineSetup.threads();
        try (CoreLedger.Claim claim = ledger.isPresent() ? ledger.get().claim(slotName.get(), threads) : () -> {}) {
            service.executor().execute(request, envelope.correlation(), envelope.time());
        }
    }
}
