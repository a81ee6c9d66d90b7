package io.softcifar.results.service;

import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Finds the ready dataset of a study that waits for one (see {@link StudyService}'s comment): the one it names by id
 * once READY, or the first ready dataset announced after the study whose manifest's spec has the same canonical JSON
 * as the study's dataset spec. Caches the manifests' specs (a manifest never changes once written).
 */
final class DatasetMatcher {

    private static final Logger LOG = Logger.getLogger(StudyService.class);

    private final ResultsView view;
    private final ObjectStore store;
    /** datasetId → canonical spec JSON of its manifest (manifests never change). */
    private final Map<String, String> manifestSpecs = new ConcurrentHashMap<>();

    DatasetMatcher(ResultsView view, ObjectStore store) {
        this.view = view;
        this.store = store;
    }

    /** The id of the study's dataset if it is ready now. */
    Optional<String> readyDatasetOf(ResultsView.PendingStudy study) {
        if (study.datasetId() != null) {
            boolean ready = view.dataset(study.datasetId())
                    .map(d -> d.status() == DatasetStatus.READY)
                    .orElse(false);
            return ready ? Optional.of(study.datasetId()) : Optional.empty();
        }
        String wanted = study.datasetSpec().canonicalJson();
        for (ResultsView.DatasetView d : view.readyDatasets()) {
            if (d.readyAt() == null || d.readyAt().isBefore(study.submittedAt())) {
                break; // newest first: the rest are older than the study
            }
            if (wanted.equals(manifestSpec(d.id()))) {
                return Optional.of(d.id());
            }
        }
        return Optional.empty();
    }

    /** The dataset's spec as canonical JSON; "" while its manifest cannot be read (not cached: asked again later). */
    private String manifestSpec(String datasetId) {
        String known = manifestSpecs.get(datasetId);
        if (known != null) {
            return known;
        }
        try {
            DatasetManifest manifest = DatasetManifest.parse(
                    new String(store.getBytes(ObjectKeys.manifest(datasetId)), StandardCharsets.UTF_8));
            String spec = manifest.spec().canonicalJson();
            manifestSpecs.put(datasetId, spec); // a manifest never changes once written
            return spec;
        } catch (RuntimeException e) {
            // e.g. the object store is down for a moment: caching "" would leave the studies waiting for good
            LOG.warnf("manifest of dataset %s unreadable for now: %s", datasetId, e.getMessage());
            return "";
        }
    }
}
