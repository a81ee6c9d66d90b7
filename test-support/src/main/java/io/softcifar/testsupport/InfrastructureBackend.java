package io.softcifar.testsupport;

/** A running Kafka broker plus S3 server, however they were started; {@link #close()} stops both. */
interface InfrastructureBackend extends AutoCloseable {

    InfrastructureMode mode();

    String kafkaBootstrapServers();

    String s3Endpoint();

    String s3AccessKey();

    String s3SecretKey();

    @Override
    void close();
}
