package io.softcifar.contracts.topics;

/** The programs that produce or consume topics, as named in {@link TopicSpec} (documentation and consumer groups). */
public enum Service {
    DATASET("dataset-service"),
    TRAINER("trainer-service"),
    EVALUATOR("evaluator-service"),
    RESULTS("results-service"),
    /** The {@code softcifar} command line, which can submit requests directly. */
    CLI("softcifar-cli");

    private final String id;

    Service(String id) {
        this.id = id;
    }

    /** The module name, e.g. "trainer-service"; also the natural Kafka consumer group id. */
    public String id() {
        return id;
    }
}
