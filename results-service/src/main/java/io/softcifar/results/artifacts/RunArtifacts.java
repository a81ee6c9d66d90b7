package io.softcifar.results.artifacts;

import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.util.Sha256;
import io.softcifar.results.service.ViewModel.CheckpointView;
import io.softcifar.results.service.ViewModel.RunDetail;
import io.softcifar.storage.ObjectInfo;
import io.softcifar.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What of a run can be downloaded, and from where. Only objects the results view knows for the run are offered —
 * its published checkpoints and the files under its evaluation prefix — so a name can never reach another key of the
 * bucket; the bucket itself stays private and every byte goes through the service (and its authentication).
 */
public final class RunArtifacts {

    /** Evaluation files are immutable once written: SHA-256 by key and entity tag. */
    private final Map<String, String> digests = new ConcurrentHashMap<>();

    private final ObjectStore store;

    public RunArtifacts(ObjectStore store) {
        this.store = store;
    }

    /** Checkpoints (newest epoch of each key), then the evaluation files, in key order. */
    public List<Artifact> list(RunDetail run) {
        Map<String, Artifact> byName = new LinkedHashMap<>();
        String prefix = ObjectKeys.runPrefix(run.runId());
        for (CheckpointView c : run.checkpoints()) {
            if (c.key().startsWith(prefix)) {
                byName.put(
                        c.key().substring(prefix.length()),
                        new Artifact(
                                c.key().substring(prefix.length()),
                                Artifact.CHECKPOINT,
                                c.epoch(),
                                c.bytes(),
                                c.sha256()));
            }
        }
        List<Artifact> artifacts = new ArrayList<>(byName.values());
        if (run.evaluation() != null) {
            for (ObjectInfo info : store.list(ObjectKeys.evaluationPrefix(run.runId()))) {
                artifacts.add(new Artifact(
                        info.key().substring(prefix.length()),
                        Artifact.EVALUATION,
                        null,
                        info.size(),
                        digests.computeIfAbsent(info.key() + "@" + info.etag(), k -> sha256(info.key()))));
            }
        }
        return artifacts;
    }

    /** The artifact of that name, if the run has one. */
    public Optional<Artifact> find(RunDetail run, String name) {
        return list(run).stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The object key behind an artifact of {@code run}. */
    public static String key(RunDetail run, Artifact artifact) {
        return ObjectKeys.runPrefix(run.runId()) + artifact.name();
    }

    public InputStream open(RunDetail run, Artifact artifact) {
        return store.openStream(key(run, artifact));
    }

    private String sha256(String key) {
        try (InputStream in = store.openStream(key)) {
            return Sha256.hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }
}
