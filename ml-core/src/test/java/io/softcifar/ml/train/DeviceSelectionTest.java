package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

    @Test
    void cpuIsCpuAndAGpuIndexBeyondTheVisibleOnesIsAnErrorNamingBoth() {
        assertThat(DeviceSelection.resolve("cpu")).isEqualTo(Device.cpu());
        int gpus = EngineSetup.engine().getGpuCount();
        assertThatThrownBy(() -> DeviceSelection.resolve("gpu:" + gpus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "device: gpu:" + gpus + " requested but " + gpus + " CUDA device(s) are visible to PyTorch");
        assertThatThrownBy(() -> DeviceSelection.resolve("tpu")).hasMessageContaining("unknown device 'tpu'");
    }
}
