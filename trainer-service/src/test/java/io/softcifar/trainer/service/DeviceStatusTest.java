package io.softcifar.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.trainer.config.TrainerSettings;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Device resolution and default slots on this machine, which has no GPU (as CI). */
class DeviceStatusTest {

    private static TrainerSettings settings(String device, OptionalInt slots) {
        return new TrainerSettings() {
            @Override
            public String device() {
                return device;
            }

            @Override
            public OptionalInt slots() {
                return slots;
            }

            @Override
            public Path workDir() {
                return Path.of("target/unused");
            }

            @Override
            public java.time.Duration sessionTimeout() {
                return java.time.Duration.ofSeconds(45);
            }

            @Override
            public java.time.Duration leaseTtl() {
                return java.time.Duration.ofMinutes(2);
            }

            @Override
            public java.util.Optional<java.time.Duration> leaseSettle() {
                return java.util.Optional.empty();
            }

            @Override
            public java.time.Duration shutdownGrace() {
                return java.time.Duration.ofSeconds(60);
            }

            @Override
            public String consumerGroup() {
                return "g";
            }

            @Override
            public String controlGroupPrefix() {
                return "c";
            }
        };
    }

    @Test
    void gpuWithoutAVisibleGpuIsAProblemThatSaysSo() {
        DeviceStatus status = DeviceStatus.of(settings("gpu", OptionalInt.empty()));
        org.junit.jupiter.api.Assumptions.assumeTrue(status.gpuCount() == 0, "a GPU is visible here");
        assertThat(status.problem()).get().asString().contains("no CUDA device is visible");
        assertThat(status.device()).isNull();
    }

    @Test
    void autoAndCpuTrainOnTheCpuWithOneSlotUnlessConfigured() {
        DeviceStatus auto = DeviceStatus.of(settings("auto", OptionalInt.empty()));
        org.junit.jupiter.api.Assumptions.assumeTrue(auto.gpuCount() == 0, "a GPU is visible here");
        assertThat(auto.problem()).isEmpty();
        assertThat(auto.device()).isEqualTo("cpu()");
        assertThat(auto.slots()).isEqualTo(1);
        assertThat(DeviceStatus.of(settings("cpu", OptionalInt.of(3))).slots()).isEqualTo(3);
        assertThat(DeviceStatus.of(settings("tpu", OptionalInt.empty())).problem())
                .get()
                .asString()
                .contains("unknown device 'tpu'");
    }
}
