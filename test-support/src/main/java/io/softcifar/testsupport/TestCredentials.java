package io.softcifar.testsupport;

import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The API keys of a service under test, in one place per JVM: a {@code submit} key and a {@code read} key drawn at
 * random, a keys file in the services' format ({@code NAME ROLE SHA256}, service-common {@code ApiKeys}) that
 * {@link InfrastructureTestResource} hands to every Quarkus test as {@code softcifar.auth.keys-file}, and
 * a RestAssured filter adding the submit key to every request without an {@code Authorization} header — so the
 * tests' requests are authenticated without a header at each call. A test of the refusals sets its own header or
 * uses {@link #withoutCredential()}.
 */
public final class TestCredentials {

    private static final String SUBMIT = random();
    private static final String READ = random();
    private static Path keysFile;

    private TestCredentials() {}

    public static String submitKey() {
        return SUBMIT;
    }

    public static String readKey() {
        return READ;
    }

    /** {@code Bearer <submit key>}. */
    public static String authorization() {
        return "Bearer " + SUBMIT;
    }

    /** The keys file (written once per JVM). */
    public static synchronized Path keysFile() {
        if (keysFile == null) {
            try {
                Path file = Files.createTempFile("softcifar-test-keys", ".txt");
                file.toFile().deleteOnExit();
                Files.writeString(
                        file,
                        "# written by test-support TestCredentials\n"
                                + "test-submit submit " + sha256(SUBMIT) + "\n"
                                + "test-read read " + sha256(READ) + "\n",
                        StandardCharsets.UTF_8);
                keysFile = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keysFile;
    }

    /**
     * Every RestAssured request without an {@code Authorization} header gets the submit key (a filter, so the port
     * and base URI Quarkus sets per test still apply); a request that sets its own header keeps it.
     */
    public static synchronized void useSubmitKeyByDefault() {
        if (RestAssured.filters().stream().noneMatch(f -> f instanceof DefaultKey)) {
            RestAssured.filters(new DefaultKey());
        }
    }

    private static final class DefaultKey implements io.restassured.filter.Filter {
        @Override
        public io.restassured.response.Response filter(
                io.restassured.specification.FilterableRequestSpecification request,
                io.restassured.specification.FilterableResponseSpecification response,
                io.restassured.filter.FilterContext ctx) {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", authorization());
            }
            return ctx.next(request, response);
        }
    }

    /** A request with no credential: without the default key's filter (nor any other). */
    public static io.restassured.specification.RequestSpecification withoutCredential() {
        return RestAssured.given().noFilters();
    }

    /** The lower-case hex SHA-256 of a key, as the keys file holds it (computed here, not by the code under test). */
    public static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
