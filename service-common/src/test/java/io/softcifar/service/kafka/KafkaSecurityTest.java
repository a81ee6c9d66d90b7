package io.softcifar.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapping of the {@code softcifar.kafka.*} security settings to Kafka client properties, and the refusals. */
class KafkaSecurityTest {

    @TempDir
    Path dir;

    private static KafkaSecurity of(
            String protocol, String user, String password, String truststore, String truststorePassword) {
        return KafkaSecurity.of(
                protocol,
                "SCRAM-SHA-512",
                Optional.ofNullable(user),
                Optional.ofNullable(password),
                Optional.ofNullable(truststore),
                Optional.ofNullable(truststorePassword));
    }

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x");
    }

    @Test
    void plaintextIsTheDefaultAndAddsOnlyTheProtocol() {
        assertThat(KafkaSettings.of("h:1", false).clientProperties())
                .containsExactly(Map.entry("bootstrap.servers", "h:1"), Map.entry("security.protocol", "PLAINTEXT"));
        // empty values, as ${KAFKA_SASL_USERNAME:} gives them, count as unset
        assertThat(of(null, "", " ", "", "").clientProperties()).containsOnlyKeys("security.protocol");
    }

    @Test
    void scramOverTlsWithAPemCaMapsToTheKafkaClientProperties() throws IOException {
        Path ca = file("ca.crt");
        Map<String, Object> props =
                of("sasl_ssl", "trainer-service", "s3cr3t", ca.toString(), null).clientProperties();
        assertThat(props)
                .containsOnlyKeys(
                        "security.protocol",
                        "sasl.mechanism",
                        "sasl.jaas.config",
                        "ssl.truststore.location",
                        "ssl.truststore.type");
        assertThat(props.get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(props.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        assertThat(props.get("ssl.truststore.location")).isEqualTo(ca.toString());
        assertThat(props.get("ssl.truststore.type")).isEqualTo("PEM");
        assertThat(props.get("sasl.jaas.config"))
                .isEqualTo(
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"trainer-service\" "
                                + "password=\"s3cr3t\";");
    }

    @Test
    void aPkcs12TruststoreCarriesItsPassword() throws IOException {
        Path ca = file("ca.p12");
        Map<String, Object> props =
                of("SASL_SSL", "u", "p", ca.toString(), "storepw").clientProperties();
        assertThat(props.get("ssl.truststore.type")).isEqualTo("PKCS12");
        assertThat(props.get("ssl.truststore.password")).isEqualTo("storepw");
        assertThat(of("SSL", null, null, file("trust.jks").toString(), "pw").clientProperties())
                .containsEntry("ssl.truststore.type", "JKS")
                .doesNotContainKey("sasl.jaas.config");
    }

    /** Kafka's own JAAS parser reads back exactly the user name and password, quotes and backslashes included. */
    @Test
    void theJaasLineSurvivesQuotesBackslashesAndSpacesThroughKafkasParser() {
        String user = "we ird\"user\\";
        String password = "p;a\"s s\\w=o,rd'}";
        String line = KafkaSecurity.jaasConfig(user, password);
        java.util.List<AppConfigurationEntry> entries = JaasContext.loadClientContext(
                        Map.of("sasl.jaas.config", new Password(line)))
                .configurationEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getLoginModuleName())
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(entries.get(0).getControlFlag()).isEqualTo(AppConfigurationEntry.LoginModuleControlFlag.REQUIRED);
        assertThat(Map.copyOf(entries.get(0).getOptions())).isEqualTo(Map.of("username", user, "password", password));
    }

    @Test
    void theStringFormNeverShowsThePasswords() throws IOException {
        KafkaSecurity s = of(
                "SASL_SSL",
                "evaluator-service",
                "hunter2-secret",
                file("ca.p12").toString(),
                "tspw-9");
        assertThat(s.toString())
                .contains("evaluator-service", "password=(set)")
                .doesNotContain("hunter2-secret", "tspw-9");
    }

    @Test
    void badCombinationsAreRefusedWithOneLineNamingTheProperty() throws IOException {
        String ca = file("ca.crt").toString();
        assertRefused(
                of("SASL_SSL", null, "p", ca, null),
                "softcifar.kafka.sasl.username is not set but softcifar.kafka.security-protocol is SASL_SSL; set it "
                        + "(environment variable KAFKA_SASL_USERNAME, in Kubernetes from the KafkaUser's Secret)");
        assertRefused(
                of("SASL_SSL", "u", null, ca, null),
                "softcifar.kafka.sasl.password is not set but softcifar.kafka.security-protocol is SASL_SSL; set it "
                        + "(environment variable KAFKA_SASL_PASSWORD, in Kubernetes from the KafkaUser's Secret)");
        assertRefused(
                of("SASL_SSL", "u", "p", dir.resolve("missing.crt").toString(), null),
                "softcifar.kafka.truststore.file: " + dir.resolve("missing.crt") + " is not a readable file");
        assertRefused(
                of("SASL_SSL", "u", "p", dir.toString(), null),
                "softcifar.kafka.truststore.file: " + dir + " is not a readable file");
        assertRefused(
                of("PLAINTEXT", "u", null, null, null),
                "softcifar.kafka.sasl.username is set but softcifar.kafka.security-protocol is PLAINTEXT, which sends "
                        + "no SASL user name; set it to SASL_SSL, or unset softcifar.kafka.sasl.username");
        assertRefused(
                of("SSL", null, "p", null, null),
                "softcifar.kafka.sasl.password is set but softcifar.kafka.security-protocol is SSL, which sends no "
                        + "SASL password; set it to SASL_SSL, or unset softcifar.kafka.sasl.password");
        assertRefused(
                of("SASL_PLAINTEXT", "u", "p", ca, null),
                "softcifar.kafka.truststore.file is set but softcifar.kafka.security-protocol is SASL_PLAINTEXT, "
                        + "which does not use TLS; set it to SASL_SSL or SSL, or unset the truststore");
        assertRefused(
                of("SASL_SSL", "u", "p", ca, "pw"),
                "softcifar.kafka.truststore.password is set but " + ca
                        + " is a PEM file, which has no password; unset it or use the PKCS12 file (ca.p12)");
        assertRefused(
                of("SSL", null, null, null, "pw"),
                "softcifar.kafka.truststore.password is set but softcifar.kafka.truststore.file is not; name the "
                        + "truststore file too");
        assertRefused(
                of("SASL_SSL", "u", "p", file("ca.bin").toString(), null),
                "softcifar.kafka.truststore.file: cannot tell the type of " + dir.resolve("ca.bin")
                        + " from its name (expected .crt or .pem for PEM, .p12 or .pfx for PKCS12, .jks for JKS)");
        assertRefused(
                of("TLS", null, null, null, null),
                "softcifar.kafka.security-protocol: unknown security "
                        + "protocol 'TLS' (expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)");
        assertRefused(
                KafkaSecurity.of(
                        "SASL_SSL", "PLAIN", Optional.of("u"), Optional.of("p"), Optional.empty(), Optional.empty()),
                "softcifar.kafka.sasl.mechanism: unsupported SASL mechanism 'PLAIN' (expected "
                        + "SCRAM-SHA-512 or SCRAM-SHA-256)");
        assertRefused(
                of("SASL_SSL", "u", "line\nbreak", null, null),
                "softcifar.kafka.sasl.password: contains a "
                        + "control character (U+000A) at position 4, which Kafka's JAAS syntax cannot carry");
    }

    private static void assertRefused(KafkaSecurity security, String message) {
        assertThatThrownBy(security::clientProperties)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message)
                .hasMessageNotContaining("\n");
    }
}
