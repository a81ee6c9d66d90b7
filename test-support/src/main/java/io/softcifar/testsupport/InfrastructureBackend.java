package io.softcifar.testsupport;

/**
 * A running Kafka broker plus S3 server, however they were started: where they answer, and {@link #close()}, which
 * stops both.
 *
 * @param stop stops the broker, then the S3 server (the latter even when stopping the broker fails)
 */
record InfrastructureBackend(
        InfrastructureMode mode,
        String kafkaBootstrapServers,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        Runnable stop)
        implements AutoCloseable {

    @Override
    public void close() {
        stop.run();
    }
}
