package io.softcifar.service.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a Kafka client of this project authenticates and encrypts: the {@code softcifar.kafka.*} security settings,
 * checked together, turned into the Kafka client properties ({@code security.protocol}, {@code sasl.*},
 * {@code ssl.truststore.*}) that every producer, consumer and admin client of the services gets.
 *
 * <p>There is no credential default anywhere: a SASL protocol without a user name or password is refused, and so are
 * credentials or a truststore that the chosen protocol would silently ignore (a deployment that sets
 * {@code KAFKA_SASL_USERNAME} but forgot {@code KAFKA_SECURITY_PROTOCOL} stops instead of talking plaintext).
 * {@link #toString()} never shows the password, and the JAAS line that carries it is built here, not configured.
 *
 * @param protocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param mechanism {@code SCRAM-SHA-512} or {@code SCRAM-SHA-256} (used with a SASL protocol)
 * @param truststore a PEM ({@code .crt}, {@code .pem}) or PKCS12 ({@code .p12}, {@code .pfx}) or JKS ({@code .jks})
 *     file of the CA certificates to trust, as Strimzi's cluster CA Secret provides ({@code ca.crt}, {@code ca.p12});
 *     empty: the JVM's default trust store
 */
public record KafkaSecurity(
        String protocol,
        String mechanism,
        Optional<String> username,
        Optional<String> password,
        Optional<Path> truststore,
        Optional<String> truststorePassword) {

    public static final String PROTOCOL = "softcifar.kafka.security-protocol";
    public static final String MECHANISM = "softcifar.kafka.sasl.mechanism";
    public static final String USERNAME = "softcifar.kafka.sasl.username";
    public static final String PASSWORD = "softcifar.kafka.sasl.password";
    public static final String TRUSTSTORE = "softcifar.kafka.truststore.file";
    public static final String TRUSTSTORE_PASSWORD = "softcifar.kafka.truststore.password";

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256");
    private static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    /** No authentication, no TLS: the local default ({@code softcifar up}, tests, compose's private network). */
    public static final KafkaSecurity PLAINTEXT = new KafkaSecurity(
            "PLAINTEXT", "SCRAM-SHA-512", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public KafkaSecurity {
        protocol = protocol == null ? "PLAINTEXT" : protocol.strip().toUpperCase(Locale.ROOT);
        mechanism = mechanism == null ? "SCRAM-SHA-512" : mechanism.strip().toUpperCase(Locale.ROOT);
        username = present(username);
        password = present(password);
        truststorePassword = present(truststorePassword);
        truststore = truststore == null ? Optional.empty() : truststore;
    }

    /** SCRAM over TLS, the Kubernetes setting: {@code SASL_SSL} with {@code SCRAM-SHA-512}. */
    public static KafkaSecurity scramOverTls(
            String username, String password, Path truststore, Optional<String> truststorePassword) {
        return new KafkaSecurity(
                "SASL_SSL",
                "SCRAM-SHA-512",
                Optional.of(username),
                Optional.of(password),
                Optional.of(truststore),
                truststorePassword);
    }

    /** From the raw configuration values (empty strings count as unset, as MicroProfile Config reads them). */
    public static KafkaSecurity of(
            String protocol,
            String mechanism,
            Optional<String> username,
            Optional<String> password,
            Optional<String> truststore,
            Optional<String> truststorePassword) {
        return new KafkaSecurity(
                protocol, mechanism, username, password, present(truststore).map(Path::of), truststorePassword);
    }

    public boolean usesSasl() {
        return protocol.startsWith("SASL_");
    }

    public boolean usesTls() {
        return protocol.endsWith("SSL");
    }

    /**
     * Checks the settings together.
     *
     * @return this
     * @throws IllegalArgumentException with one line naming the property and what to do
     */
    public KafkaSecurity validated() {
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException(PROTOCOL + ": unknown security protocol '" + protocol
                    + "' (expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)");
        }
        if (usesSasl()) {
            if (!MECHANISMS.contains(mechanism)) {
                throw new IllegalArgumentException(MECHANISM + ": unsupported SASL mechanism '" + mechanism
                        + "' (expected SCRAM-SHA-512 or SCRAM-SHA-256)");
            }
            requireCredential(username, USERNAME, "KAFKA_SASL_USERNAME");
            requireCredential(password, PASSWORD, "KAFKA_SASL_PASSWORD");
        } else {
            refuseUnused(username.isPresent(), USERNAME, "SASL user name");
            refuseUnused(password.isPresent(), PASSWORD, "SASL password");
        }
        if (truststore.isPresent()) {
            if (!usesTls()) {
                throw new IllegalArgumentException(TRUSTSTORE + " is set but " + PROTOCOL + " is " + protocol
                        + ", which does not use TLS; set it to SASL_SSL or SSL, or unset the truststore");
            }
            Path file = truststore.get();
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException(TRUSTSTORE + ": " + file + " is not a readable file");
            }
            String type = truststoreType(file);
            if (type.equals("PEM") && truststorePassword.isPresent()) {
                throw new IllegalArgumentException(TRUSTSTORE_PASSWORD + " is set but " + file
                        + " is a PEM file, which has no password; unset it or use the PKCS12 file (ca.p12)");
            }
        } else if (truststorePassword.isPresent()) {
            throw new IllegalArgumentException(
                    TRUSTSTORE_PASSWORD + " is set but " + TRUSTSTORE + " is not; name the truststore file too");
        }
        return this;
    }

    /**
     * The Kafka client properties for these settings (none for {@code PLAINTEXT} beyond the protocol). Validates first.
     * The returned map holds the password: pass it to a client, never log it.
     */
    public Map<String, Object> clientProperties() {
        validated();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("security.protocol", protocol);
        if (usesSasl()) {
            props.put("sasl.mechanism", mechanism);
            props.put("sasl.jaas.config", jaasConfig(username.orElseThrow(), password.orElseThrow()));
        }
        truststore.ifPresent(file -> {
            props.put("ssl.truststore.location", file.toString());
            props.put("ssl.truststore.type", truststoreType(file));
            truststorePassword.ifPresent(p -> props.put("ssl.truststore.password", p));
        });
        return props;
    }

    /**
     * The JAAS line of a SCRAM client. User name and password are quoted; inside the quotes a backslash and a double
     * quote are escaped with a backslash, which is how Kafka's JAAS parser (a {@code StreamTokenizer}) reads them
     * back. Control characters (a line break ends a quoted token there) are refused.
     */
    static String jaasConfig(String username, String password) {
        return SCRAM_LOGIN_MODULE + " required username=" + quoted(username, USERNAME) + " password="
                + quoted(password, PASSWORD) + ";";
    }

    private static String quoted(String value, String property) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        property + ": contains a control character (U+" + String.format("%04X", (int) c)
                                + ") at position " + i + ", which Kafka's JAAS syntax cannot carry");
            }
            if (c == '\\' || c == '"') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    static String truststoreType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".crt") || name.endsWith(".pem")) {
            return "PEM";
        }
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            return "PKCS12";
        }
        if (name.endsWith(".jks")) {
            return "JKS";
        }
        throw new IllegalArgumentException(TRUSTSTORE + ": cannot tell the type of " + file
                + " from its name (expected .crt or .pem for PEM, .p12 or .pfx for PKCS12, .jks for JKS)");
    }

    private void requireCredential(Optional<String> value, String property, String env) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(property + " is not set but " + PROTOCOL + " is " + protocol
                    + "; set it (environment variable " + env + ", in Kubernetes from the KafkaUser's Secret)");
        }
    }

    private void refuseUnused(boolean set, String property, String what) {
        if (set) {
            throw new IllegalArgumentException(property + " is set but " + PROTOCOL + " is " + protocol
                    + ", which sends no " + what + "; set it to SASL_SSL, or unset " + property);
        }
    }

    private static Optional<String> present(Optional<String> value) {
        return value == null ? Optional.empty() : value.filter(v -> !v.isBlank());
    }

    /** Everything but the password (and the truststore password), which are shown as set or not. */
    @Override
    public String toString() {
        return "KafkaSecurity[protocol=" + protocol + (usesSasl() ? ", mechanism=" + mechanism : "")
                + username.map(u -> ", username=" + u).orElse("")
                + (password.isPresent() ? ", password=(set)" : "")
                + truststore.map(t -> ", truststore=" + t).orElse("")
                + (truststorePassword.isPresent() ? ", truststore password=(set)" : "") + "]";
    }
}
