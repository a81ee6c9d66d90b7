package io.softcifar.dataset.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.DatasetFailed;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.DatasetState;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.events.Event;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.contracts.util.FileTrees;
import io.softcifar.dataset.config.DatasetSettings;
import io.softcifar.dataset.imports.ArchiveLimits;
import io.softcifar.dataset.imports.DatasetBuilder;
import io.softcifar.dataset.imports.DatasetIds;
import io.softcifar.dataset.imports.ImportRoots;
import io.softcifar.dataset.imports.ResolvedInputs;
import io.softcifar.dataset.imports.SourcePolicy;
import io.softcifar.dataset.imports.SourceResolver;
import io.softcifar.dataset.imports.UrlPolicy;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.service.lifecycle.DaemonThreads;
import io.softcifar.storage.ObjectInfo;
import io.softcifar.storage.ObjectStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Imports datasets: one entry point for the HTTP API and the Kafka consumer.
 *
 * <p><b>What users rely on.</b> The id is content-addressed ({@link DatasetIds}): the same spec over the same files
 * gives the same id, and a dataset whose manifest is already in the bucket is never built again. Identical requests
 * arriving while an import runs join that import (one future per id). Shards are uploaded first and the manifest
 * last, so a dataset is visible (its manifest exists) only when it is complete; a failed or interrupted import leaves
 * no manifest, its partial shards are deleted, and submitting the spec again starts over.
 *
 * <p>Readers that restart lose nothing that matters: READY datasets are read back from the bucket's manifests, and
 * the outcome of every import is on the compacted dataset-state topic.
 */
@ApplicationScoped
public class DatasetService {

    private static final Logger LOG = Logger.getLogger(DatasetService.class);
    private static final String DATASETS_PREFIX = "datasets/";

    @Inject
    ObjectStore store;

    @Inject
    EventPublisher events;

    @Inject
    DatasetSettings settings;

    @Inject
    MeterRegistry registry;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private ExecutorService importers;
    private SourceResolver resolver;
    private Timer importTimer;

    @PostConstruct
    void init() {
        // .npy files are read through DJL's PyTorch engine: natives come from the Maven jar, never from the network
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        importers = Executors.newFixedThreadPool(settings.concurrentImports(), DaemonThreads.named("dataset-import"));
        resolver = new SourceResolver(settings.workDir().resolve("cache"), sourcePolicy(settings));
        importTimer = Timer.builder("softcifar.dataset.import.seconds")
                .description("wall time of dataset imports that built a dataset")
                .register(registry);
        registry.gauge("softcifar.dataset.imports.active", active);
    }

    /** The source bounds of {@code softcifar.dataset.*}. */
    private static SourcePolicy sourcePolicy(DatasetSettings s) {
        return new SourcePolicy(
                new ImportRoots(s.importRoots().orElse(List.of())),
                new UrlPolicy(s.urlHosts(), s.allowLoopbackUrlsForTests()),
                s.maxDownloadBytes(),
                s.downloadTimeout(),
                s.maxRedirects(),
                new ArchiveLimits(s.maxArchiveEntries(), s.maxArchiveBytes()));
    }

    @PreDestroy
    void shutdown() {
        importers.shutdownNow();
    }

    /**
     * Starts (or joins, or skips) the import of {@code spec}. Field errors of the spec and missing or unreadable local
     * sources are thrown here, before anything runs: {@link InvalidSpecException} or {@link InvalidDataException}.
     */
    public Submission submit(DatasetSpec requested, String requestId) {
        DatasetSpec spec = requested.withDefaults();
        List<FieldError> errors = spec.validate();
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(400, "invalid dataset spec", errors);
        }
        Optional<String> declared = DatasetIds.fromDeclaredChecksums(resolver, spec);
        ResolvedInputs resolved = declared.isPresent() ? null : resolver.resolve(spec); // local files: hashed now
        String id = declared.orElseGet(() -> DatasetIds.compute(spec, resolved));

        if (store.exists(ObjectKeys.manifest(id))) {
            counter("reused").increment();
            return new Submission(id, CompletableFuture.completedFuture(readyView(id)), false);
        }
        Entry fresh = new Entry(id, spec, requestId);
        Entry entry = entries.compute(
                id,
                (key, existing) -> existing != null && existing.status == DatasetStatus.IMPORTING ? existing : fresh);
        if (entry != fresh) {
            LOG.infof("dataset %s: request %s joins the import already running", id, requestId);
            return new Submission(id, entry.future, false);
        }
        publishState(id, requestId, new DatasetState(id, DatasetStatus.IMPORTING, null, null));
        active.incrementAndGet();
        importers.execute(() -> runImport(fresh, resolved)); // the outcome goes to fresh.future
        return new Submission(id, fresh.future, true);
    }

    private void runImport(Entry entry, ResolvedInputs alreadyResolved) {
        String id = entry.id;
        Path staging = settings.workDir().resolve("staging").resolve(id + "-" + UUID.randomUUID());
        boolean uploading = false;
        Timer.Sample sample = Timer.start(registry);
        try {
            ResolvedInputs inputs = alreadyResolved != null ? alreadyResolved : resolver.resolve(entry.spec);
            String computed = DatasetIds.compute(entry.spec, inputs);
            if (!computed.equals(id)) { // cannot happen unless a declared checksum was not verified
                throw new IllegalStateException("dataset id " + id + " does not match its inputs (" + computed + ")");
            }
            LOG.infof("dataset %s: building (protocol %s, seeds %s)", id, entry.spec.protocol(), entry.spec.seeds());
            DatasetManifest manifest = new DatasetBuilder(settings.shardSize(), resolver.archiveLimits())
                    .build(entry.spec, inputs, id, staging);
            uploading = true;
            upload(id, staging);
            sample.stop(importTimer);
            DatasetView view = DatasetView.ready(id, manifest, entry.requestedAt, Instant.now());
            entry.finish(DatasetStatus.READY, view);
            counter("ready").increment();
            LOG.infof(
                    "dataset %s: ready, %d images, %d seed(s)",
                    id, manifest.statistics().images(), manifest.seeds().size());
            publishState(
                    id, entry.requestId, new DatasetReady(id, ObjectKeys.manifest(id), DatasetSummary.of(manifest)));
        } catch (Exception | Error e) {
            // an Error (out of memory, …) must not leave the import IMPORTING forever either
            Problem problem = Problem.of(e);
            if (!(e instanceof InvalidDataException || e instanceof InvalidSpecException)) {
                LOG.errorf(e, "dataset %s: import failed", id);
            } else {
                LOG.warnf("dataset %s: rejected: %s", id, problem.message());
            }
            if (uploading) {
                removePartialUpload(id);
            }
            entry.finish(DatasetStatus.FAILED, DatasetView.failed(id, problem, entry.requestedAt, Instant.now()));
            counter("failed").increment();
            publishState(
                    id,
                    entry.requestId,
                    new DatasetFailed(id, entry.requestId, problem.message(), problem.field(), List.of()));
            if (e instanceof Error error && !(e instanceof OutOfMemoryError)) {
                throw error;
            }
        } finally {
            active.decrementAndGet();
            FileTrees.deleteQuietly(staging);
        }
    }

    /** Every file of the staging folder at its key, the manifest last: a visible manifest means a complete dataset. */
    private void upload(String id, Path staging) throws IOException {
        String manifestKey = ObjectKeys.manifest(id);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(staging)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Path manifest = null;
        for (Path file : files) {
            String key = staging.relativize(file).toString().replace('\\', '/');
            if (key.equals(manifestKey)) {
                manifest = file;
                continue;
            }
            store.putFile(key, file, "application/octet-stream");
        }
        if (manifest == null) {
            throw new IllegalStateException("the builder wrote no manifest for " + id);
        }
        store.putFile(manifestKey, manifest, "application/json");
    }

    private void removePartialUpload(String id) {
        store.removeIncomplete(ObjectKeys.datasetPrefix(id), ObjectKeys.manifest(id), "dataset " + id);
    }

    /** The dataset with this id: from an import of this process, else from the bucket. */
    public Optional<DatasetView> find(String id) {
        if (!ObjectKeys.isValidId(id)) {
            return Optional.empty();
        }
        Entry entry = entries.get(id);
        if (entry != null && entry.status != DatasetStatus.READY) {
            return Optional.of(entry.view());
        }
        if (store.exists(ObjectKeys.manifest(id))) {
            return Optional.of(readyView(id));
        }
        return Optional.ofNullable(entry).map(Entry::view);
    }

    /** Every dataset in the bucket, plus the imports of this process that are running or failed; newest first. */
    public List<DatasetView> list() {
        Map<String, DatasetView> byId = new LinkedHashMap<>();
        for (ObjectInfo info : store.list(DATASETS_PREFIX)) {
            if (info.key().endsWith("/" + ObjectKeys.MANIFEST_FILE)) {
                String id = info.key()
                        .substring(
                                DATASETS_PREFIX.length(), info.key().length() - ObjectKeys.MANIFEST_FILE.length() - 1);
                byId.put(id, readyView(id).summaryOnly());
            }
        }
        entries.values().stream()
                .filter(e -> e.status != DatasetStatus.READY)
                .forEach(e -> byId.putIfAbsent(e.id, e.view()));
        List<DatasetView> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(DatasetView::updatedAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return all;
    }

    private DatasetView readyView(String id) {
        DatasetManifest manifest = DatasetManifest.parse(
                new String(store.getBytes(ObjectKeys.manifest(id)), java.nio.charset.StandardCharsets.UTF_8));
        return DatasetView.ready(id, manifest, manifest.createdAt(), manifest.createdAt());
    }

    private void publishState(String id, String requestId, Event event) {
        try {
            events.publish(Topics.DATASET_STATE, id, EventEnvelope.of(event, new Correlation(null, null, id)));
        } catch (RuntimeException e) {
            // the HTTP view still answers; consumers that missed the event can ask again and get it re-published
            LOG.warnf(
                    "dataset %s (request %s): could not publish %s: %s",
                    id, requestId, event.getClass().getSimpleName(), e.getMessage());
        }
    }

    /** Re-publishes the outcome of a dataset that is already READY, for a requester that asks again. */
    public void republishReady(String id, String requestId) {
        DatasetView view = readyView(id);
        publishState(id, requestId, new DatasetReady(id, ObjectKeys.manifest(id), view.summary()));
    }

    private Counter counter(String outcome) {
        return Counter.builder("softcifar.dataset.imports")
                .description("dataset requests by outcome: ready (built), reused (already in the bucket), failed")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** What a submission started: the id, and a future that completes with READY or FAILED. */
    public record Submission(String datasetId, CompletableFuture<DatasetView> outcome, boolean started) {}

    /** One import of this process. */
    private static final class Entry {
        final String id;
        final DatasetSpec spec;
        final String requestId;
        final Instant requestedAt = Instant.now();
        final CompletableFuture<DatasetView> future = new CompletableFuture<>();
        volatile DatasetStatus status = DatasetStatus.IMPORTING;
        volatile DatasetView outcome;

        Entry(String id, DatasetSpec spec, String requestId) {
            this.id = id;
            this.spec = spec;
            this.requestId = requestId;
        }

        void finish(DatasetStatus status, DatasetView view) {
            this.outcome = view;
            this.status = status;
            future.complete(view);
        }

        DatasetView view() {
            DatasetView done = outcome;
            return done != null ? done : DatasetView.importing(id, spec, requestedAt);
        }
    }
}
