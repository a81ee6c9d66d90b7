package io.softcifar.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A command that talks to the Kafka broker directly ({@code dlq}, {@code dlq replay}): its {@code --kafka}. */
abstract class KafkaCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--kafka", defaultValue = "127.0.0.1:9092")
    String kafka;
}
