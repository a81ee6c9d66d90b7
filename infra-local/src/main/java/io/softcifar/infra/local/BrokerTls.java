package io.softcifar.infra.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TLS material of the embedded broker's SASL_SSL listener, generated at each start (no key is ever committed or
 * reused): a self-signed EC certificate for 127.0.0.1 and localhost in a PKCS12 key store, made by the JDK's
 * {@code keytool}; and, for clients, that certificate as the CA in the two forms Strimzi's cluster CA Secret offers,
 * PEM ({@code ca.crt}) and PKCS12 ({@code ca.p12}, with a password). Passwords are random per start.
 *
 * @param keystore the broker's key store (PKCS12)
 * @param keystorePassword its store and key password
 * @param caCertificate the certificate in PEM, a client's truststore
 * @param caTruststore the certificate in a PKCS12 trust store
 * @param caTruststorePassword that store's password
 */
record BrokerTls(
        Path keystore, String keystorePassword, Path caCertificate, Path caTruststore, String caTruststorePassword) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long KEYTOOL_TIMEOUT_S = 60;

    static BrokerTls generate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path keystore = dir.resolve("broker.p12");
            Path ca = dir.resolve("ca.crt");
            Path caStore = dir.resolve("ca.p12");
            for (Path old : List.of(keystore, ca, caStore)) {
                Files.deleteIfExists(old);
            }
            String keyPassword = randomPassword();
            keytool(
                    dir,
                    "-genkeypair",
                    "-alias",
                    "broker",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-sigalg",
                    "SHA256withECDSA",
                    "-dname",
                    "CN=localhost,O=softcifar embedded Kafka",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity",
                    "30",
                    "-keystore",
                    keystore.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass:env",
                    "SOFTCIFAR_KEYTOOL_PASSWORD",
                    "-keypass:env",
                    "SOFTCIFAR_KEYTOOL_PASSWORD",
                    keyPassword);
            Certificate certificate = brokerCertificate(keystore, keyPassword);
            Files.writeString(ca, pem(certificate), StandardCharsets.US_ASCII);
            String caPassword = randomPassword();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate);
            try (OutputStream out = Files.newOutputStream(caStore)) {
                trust.store(out, caPassword.toCharArray());
            }
            return new BrokerTls(keystore, keyPassword, ca, caStore, caPassword);
        } catch (IOException | GeneralSecurityException e) {
            throw new InfrastructureException(
                    "Could not generate the TLS key store of the embedded Kafka broker in " + dir + ": "
                            + InfrastructureException.rootMessage(e),
                    e);
        }
    }

    /** Runs {@code keytool} from this JVM's home; the password goes through the environment, not the command line. */
    private static void keytool(Path dir, String... argsThenPassword) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(argsThenPassword).subList(0, argsThenPassword.length - 1));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("SOFTCIFAR_KEYTOOL_PASSWORD", argsThenPassword[argsThenPassword.length - 1]);
        Process process = builder.start();
        try (InputStream output = process.getInputStream()) {
            String text = new String(output.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_S + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool exited with " + process.exitValue() + ": " + text);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while keytool ran", e);
        }
    }

    private static Certificate brokerCertificate(Path keystore, String password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        return store.getCertificate("broker");
    }

    private static String pem(Certificate certificate) throws GeneralSecurityException {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded());
        return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Without the passwords. */
    @Override
    public String toString() {
        return "BrokerTls[keystore=" + keystore + ", ca=" + caCertificate + ", caTruststore=" + caTruststore + "]";
    }
}
