package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InfrastructureTestResourceTest {

    @Test
    void mapsTheInfrastructureToExactlyTheServiceKeys() {
        // the API keys file the services read (a generated file of test keys, docs/security.md "Authentication")
        TestInfrastructure infra = new TestInfrastructure(Map.of(
                "mode", "EMBEDDED",
                "kafka.bootstrap.servers", "127.0.0.1:19092",
                "s3.endpoint", "http://127.0.0.1:19000",
                "s3.access-key", "ak",
                "s3.secret-key", "sk",
                "s3.bucket", "softcifar-test"));

        assertThat(InfrastructureTestResource.serviceConfig(infra))
                .containsExactly(
                        entry("kafka.bootstrap.servers", "127.0.0.1:19092"),
                        entry("softcifar.s3.endpoint", "http://127.0.0.1:19000"),
                        entry("softcifar.s3.access-key", "ak"),
                        entry("softcifar.s3.secret-key", "sk"),
                        entry("softcifar.s3.bucket", "softcifar-test"),
                        entry(
                                "softcifar.auth.keys-file",
                                TestCredentials.keysFile().toString()),
                        entry("quarkus.devservices.enabled", "false"),
                        entry("quarkus.kafka.devservices.enabled", "false"));
    }
}
