package io.softcifar.service.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Kafka connection of a service: the standard {@code kafka.bootstrap.servers}, plus topic creation on start. */
@ConfigMapping(prefix = "kafka")
public interface KafkaSettings {

    @WithName("bootstrap.servers")
    @WithDefault("localhost:9092")
    String bootstrapServers();

    /**
     * Create every topic of the contracts module (partitions, cleanup policy, retention) on start if it is missing.
     * On Kubernetes the Strimzi {@code KafkaTopic} resources own the topics and this is off.
     */
    @WithName("create-topics")
    @WithDefault("true")
    boolean createTopics();
}
