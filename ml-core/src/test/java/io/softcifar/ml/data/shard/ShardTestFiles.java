package io.softcifar.ml.data.shard;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Writes deliberately odd NPZ files (any arrays, any names) with DJL for the validation tests. */
final class ShardTestFiles {

    private ShardTestFiles() {}

    /** An NPZ with one entry per map key ("images.npy" → array built from the manager). */
    static void writeNpz(Path file, Map<String, Function<NDManager, NDArray>> arrays) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                OutputStream out = Files.newOutputStream(file)) {
            NDList list = new NDList();
            for (Map.Entry<String, Function<NDManager, NDArray>> e : arrays.entrySet()) {
                NDArray a = e.getValue().apply(m);
                a.setName(e.getKey().replace(".npy", ""));
                list.add(a);
            }
            list.encode(out, NDList.Encoding.NPZ);
        }
    }

    static Map<String, Function<NDManager, NDArray>> entries() {
        return new LinkedHashMap<>();
    }
}
