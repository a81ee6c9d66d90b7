package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.EngineSetup;
import io.softcifar.storage.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compares two checkpoints in the bucket tensor by tensor (model, buffers, optimizer momentum), read with ml-core. */
final class CheckpointWeights {

    private CheckpointWeights() {}

    static void assertSame(ObjectStore store, String keyA, String keyB, double tolerance) throws Exception {
        Path a = Files.createTempFile("a", ".ckpt");
        Path b = Files.createTempFile("b", ".ckpt");
        store.download(keyA, a);
        store.download(keyB, b);
        EngineSetup.engine();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded ca = Checkpoint.read(a, m);
            Checkpoint.Loaded cb = Checkpoint.read(b, m);
            assertThat(ca.header().epochsCompleted()).isEqualTo(cb.header().epochsCompleted());
            assertThat(ca.header().bestEpoch()).isEqualTo(cb.header().bestEpoch());
            assertThat(ca.tensors().keySet()).anyMatch(k -> k.startsWith(Checkpoint.MODEL_PREFIX));
            assertThat(cb.tensors().keySet()).isEqualTo(ca.tensors().keySet());
            for (String name : ca.tensors().keySet()) {
                NDArray x = ca.tensors().get(name).toType(DataType.FLOAT64, false);
                NDArray y = cb.tensors().get(name).toType(DataType.FLOAT64, false);
                assertThat(x.sub(y).abs().max().getDouble())
                        .as(keyA + " vs " + keyB + ": " + name)
                        .isLessThanOrEqualTo(tolerance);
            }
        }
    }
}
