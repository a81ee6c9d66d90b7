package io.softcifar.results.service;

import io.softcifar.contracts.events.DatasetStatus;
import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.study.Expansion;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.study.StudyRequest;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.storage.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Validates a study request before anything is published: its expansion's own errors, and that a {@code datasetId}
 * it names is known (on the dataset-state topic or as a manifest in the bucket), did not fail, and was built for the
 * study's seeds. Every problem is reported at once.
 */
final class StudyValidator {

    private static final Logger LOG = Logger.getLogger(StudyService.class);

    private final StudyExpander expander;
    private final ResultsView view;
    private final ObjectStore store;

    StudyValidator(StudyExpander expander, ResultsView view, ObjectStore store) {
        this.expander = expander;
        this.view = view;
        this.store = store;
    }

    /**
     * The request's expansion.
     *
     * @throws StudyValidationException with every problem (400)
     */
    Expansion validated(StudyRequest request) {
        StudyExpander.Result result = expander.expand(request);
        List<FieldError> errors = new ArrayList<>(result.errors());
        if (request != null
                && request.datasetId() != null
                && request.dataset() == null
                && ObjectKeys.isValidId(request.datasetId())) {
            errors.addAll(checkDatasetId(request.datasetId(), result.expansion()));
        }
        if (!errors.isEmpty()) {
            throw new StudyValidationException(400, errors);
        }
        return result.expansion();
    }

    /** A datasetId must be known: on the dataset-state topic, or as a manifest in the bucket. */
    private List<FieldError> checkDatasetId(String datasetId, Expansion expansion) {
        Optional<ResultsView.DatasetView> known = view.dataset(datasetId);
        if (known.isPresent() && known.get().status() == DatasetStatus.FAILED) {
            return List.of(new FieldError(
                    "datasetId",
                    "dataset '" + datasetId + "' failed to build: "
                            + known.get().reason() + "; submit its spec again in \"dataset\""));
        }
        if (known.isEmpty()) {
            boolean inBucket;
            try {
                inBucket = store.exists(ObjectKeys.manifest(datasetId));
            } catch (RuntimeException e) {
                inBucket = false;
                LOG.warnf("cannot ask the object store for dataset %s: %s", datasetId, e.getMessage());
            }
            if (!inBucket) {
                return List.of(new FieldError(
                        "datasetId",
                        "no dataset '" + datasetId + "' (not on "
                                + Topics.DATASET_STATE
                                + ", no manifest in the bucket): import it first (POST /api/datasets "
                                + "on the dataset-service) or give its spec in \"dataset\""));
            }
            return List.of();
        }
        if (expansion != null
                && known.get().summary() != null
                && known.get().summary().seeds() != null) {
            List<Long> missing = expansion.seeds().stream()
                    .filter(s -> !known.get().summary().seeds().contains(s))
                    .toList();
            if (!missing.isEmpty()) {
                return List.of(new FieldError(
                        "seeds",
                        "dataset '" + datasetId + "' was built for seeds "
                                + known.get().summary().seeds() + ", not " + missing
                                + ": use those seeds or build a dataset with them"));
            }
        }
        return List.of();
    }
}
