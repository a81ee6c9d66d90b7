package io.softcifar.cli;

import picocli.CommandLine.Option;

/** {@code --device} of the commands that run a model here. */
final class DeviceOption {

    @Option(names = "--device", defaultValue = "cpu")
    String device;
}
