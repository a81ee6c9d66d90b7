package io.softcifar.results.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.softcifar.contracts.dataset.DatasetSummary;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.DatasetReady;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.events.EventEnvelope;
import io.softcifar.contracts.spec.Limits;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.TestCredentials;
import io.softcifar.testsupport.TestInfrastructure;
import io.softcifar.testsupport.TopicProbe;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to {@code POST /api/studies}, against the real in-process broker: every case is answered with its exact
 * status and the one JSON error shape ({@code {"status", "error", "problems": [{"field", "message"}]}}), the dry run
 * answers a bad study the same, and nothing is left behind — no study in the view and no record on the studies,
 * dataset-request or training-request topics (checked last, for every case at once, by reading each topic to its
 * end). The bounds are those of docs/security.md ("Bounded requests"), written out here as numbers.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

    private static final String DATASET = "ds-bad-input";
    /** HTTP/1.1: the JDK client would otherwise try an upgrade to HTTP/2, where a body has no Transfer-Encoding. */
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Study ids the cases used: none may appear on a topic or in the view. */
    private static final Set<String> IDS = ConcurrentHashMap.newKeySet();

    @TestHTTPResource("/")
    URL base;

    /** A ready dataset with seeds 0..19, so every case is refused for its own reason, not for its dataset. */
    @BeforeAll
    static void datasetReady() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", TestInfrastructure.get().kafkaBootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            DatasetReady ready = new DatasetReady(
                    DATASET,
                    ObjectKeys.manifest(DATASET),
                    new DatasetSummary(
                            400,
                            List.of(40, 40, 40, 40, 40, 40, 40, 40, 40, 40),
                            0.15,
                            IntStream.range(0, 20).mapToObj(i -> (long) i).toList(),
                            Map.of("train", 320, "validation", 20, "test", 60)));
            producer.send(new ProducerRecord<>(
                            Topics.DATASET_STATE,
                            DATASET,
                            EventCodec.encode(EventEnvelope.of(ready, Correlation.ofDataset(DATASET)))))
                    .get(20, TimeUnit.SECONDS);
        }
    }

    @Order(0)
    @Test
    void theViewKnowsTheDataset() {
        // a valid dry run of a study on it is accepted (and publishes nothing)
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().contentType(ContentType.JSON)
                                .body(study("probe", ""))
                                .post("/api/studies?dryRun=true")
                                .statusCode()
                        == 200);
    }

    /** A study on the test dataset with the given id and extra JSON members (each ending with a comma). */
    private static String study(String id, String members) {
        return "{\"id\": \"" + id + "\", \"name\": \"bad input " + id + "\", \"datasetId\": \"" + DATASET + "\", "
                + members + " \"grid\": {\"methods\": [\"basic\"], \"labelModes\": [\"soft\", \"hard\"]}}";
    }

    private static String numbers(int n, double step) {
        return IntStream.rangeClosed(1, n)
                .mapToObj(i -> String.valueOf(i * step))
                .collect(Collectors.joining(", "));
    }

    // ---------------------------------------------------------------------------------------------------------
    // class 1: API payloads (bounds, structure, JSON)

    static Stream<Arguments> payloads() {
        String grid = "{\"methods\": [\"basic\"], \"labelModes\": [\"soft\", \"hard\"]";
        return Stream.of(
                Arguments.of(
                        "epochs",
                        "{\"id\": \"p-epochs\", \"name\": \"x\", \"datasetId\": \"" + DATASET + "\", \"grid\": " + grid
                                + "}, \"overrides\": {\"epochs\": 5000}}",
                        400,
                        "invalid study",
                        "overrides.epochs",
                        "at most 1000, got 5000"),
                Arguments.of(
                        "epochs-1e9",
                        "{\"id\": \"p-epochs9\", \"name\": \"x\", \"datasetId\": \"" + DATASET + "\", \"grid\": " + grid
                                + "}, \"overrides\": {\"epochs\": 1000000000}}",
                        400,
                        "invalid study",
                        "overrides.epochs",
                        "at most 1000, got 1000000000"),
                Arguments.of(
                        "seeds",
                        "{\"id\": \"p-seeds\", \"name\": \"x\", \"datasetId\": \"" + DATASET
                                + "\", \"seeds\": 21, \"grid\": " + grid + "}}",
                        400,
                        "invalid study",
                        "seeds",
                        "at most 20 seeds per study, got 21"),
                Arguments.of(
                        "depth",
                        "{\"id\": \"p-depth\", \"name\": \"x\", \"datasetId\": \"" + DATASET + "\", \"grid\": " + grid
                                + ", \"depth\": [20, 116]}}",
                        400,
                        "invalid study",
                        "grid.depth[1]",
                        "at most 110, got 116"),
                Arguments.of(
                        "batch",
                        "{\"id\": \"p-batch\", \"name\": \"x\", \"datasetId\": \"" + DATASET + "\", \"grid\": " + grid
                                + "}, \"overrides\": {\"batchSize\": 65536}}",
                        400,
                        "invalid study",
                        "overrides.batchSize",
                        "at most 4096, got 65536"),
                Arguments.of(
                        "configurations",
                        "{\"id\": \"p-configs\", \"name\": \"x\", \"datasetId\": \"" + DATASET + "\", \"grid\": " + grid
                                + ", \"epochs\": [" + numbers(257, 1).replace(".0", "") + "]}}",
                        400,
                        "invalid study",
                        "grid",
                        "at most 512 configurations (the product of the grid's list "
                                + "lengths), got 514; split it into several studies"),
                Arguments.of(
                        "runs",
                        "{\"id\": \"p-runs\", \"name\": \"x\", \"datasetId\": \"" + DATASET
                                + "\", \"allowLarge\": true, \"seeds\": 20, \"grid\": " + grid + ", \"learningRate\": ["
                                + numbers(65, 0.001) + "]}}",
                        400,
                        "invalid study",
                        "grid",
                        "at most 2560 runs per study, also with allowLarge, got 2600 "
                                + "(130 configurations × 20 seeds); split it into several studies"),
                Arguments.of(
                        "huge-list",
                        "{\"id\": \"p-list\", \"name\": \"x\", \"datasetId\": \"" + DATASET + "\", \"grid\": " + grid
                                + ", \"learningRate\": [" + numbers(5_000, 0.00001) + "]}}",
                        400,
                        "invalid study",
                        "grid.learningRate",
                        "at most 512 values, got 5000"),
                Arguments.of(
                        "int-overflow",
                        "{\"id\": \"p-overflow\", \"name\": \"x\", \"datasetId\": \"" + DATASET + "\", \"grid\": "
                                + grid + "}, \"overrides\": {\"epochs\": 99999999999}}",
                        400,
                        "invalid request body",
                        "overrides.epochs",
                        "Numeric value (99999999999) out of range of int (-2147483648 - 2147483647)"),
                Arguments.of(
                        "malformed",
                        "{\"id\": \"p-malformed\", \"name\": ",
                        400,
                        "invalid request body",
                        "",
                        "not valid JSON: Unexpected end-of-input within/between Object entries"),
                Arguments.of(
                        "unknown-field",
                        "{\"id\": \"p-unknown\", \"name\": \"x\", \"datasetid\": \"" + DATASET + "\", \"grid\": " + grid
                                + "}}",
                        400,
                        "invalid request body",
                        "datasetid",
                        "unknown field 'datasetid'"),
                Arguments.of(
                        "nesting",
                        "{\"id\": \"p-nesting\", \"name\": \"x\", \"seeds\": " + "[".repeat(2000) + "]".repeat(2000)
                                + "}",
                        400,
                        "invalid request body",
                        "seeds",
                        "Document nesting depth (1001) exceeds the maximum "
                                + "allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void aBadPayloadIsOneJsonErrorAndTheDryRunSaysTheSame(
            String label, String body, int status, String error, String field, String message) throws Exception {
        IDS.add(body.substring(8, body.indexOf('"', 8)));
        for (String query : List.of("", "?dryRun=true")) {
            HttpResponse<String> response = post("/api/studies" + query, "application/json", body);
            assertError(response, status, error, field, message);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // class 2: headers, content type, method, query

    @Order(2)
    @Test
    void aBodyOverTheLimitIs413BeforeItIsRead() throws Exception {
        assertThat(Limits.MAX_BODY_SIZE).isEqualTo("256K");
        assertThat(ConfigProvider.getConfig().getValue("quarkus.http.limits.max-body-size", String.class))
                .isEqualTo(Limits.MAX_BODY_SIZE);
        IDS.add("h-big");
        String big = study("h-big", "\"allowLarge\": false, \"seeds\": " + "0".repeat(262_144) + "1,");
        HttpResponse<String> response = post("/api/studies", "application/json", big);
        assertError(
                response,
                413,
                "request body too large",
                "body",
                "at most 262144 bytes " + "(quarkus.http.limits.max-body-size), got "
                        + big.getBytes(StandardCharsets.UTF_8).length);
        // a length of 10 MB announced and not sent: answered from the headers alone
        RawResponse raw = raw("POST /api/studies HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10485760\r\n\r\n{\"id\": \"h-big\"");
        assertRawError(
                raw,
                413,
                "request body too large",
                "body",
                "at most 262144 bytes (quarkus.http.limits.max-body-size), got 10485760");
    }

    static Stream<Arguments> headers() {
        String valid = "{\"id\": \"%s\", \"name\": \"x\", \"datasetId\": \"" + DATASET
                + "\", \"grid\": {\"methods\": [\"basic\"], \"labelModes\": [\"soft\"]}}";
        return Stream.of(
                // the content types a cross-site HTML form or simple fetch can send without a preflight
                Arguments.of(
                        "text-plain",
                        "POST",
                        "/api/studies",
                        "text/plain",
                        null,
                        valid.formatted("h-text"),
                        415,
                        "unsupported content type",
                        "Content-Type",
                        "got 'text/plain', expected application/json"),
                Arguments.of(
                        "form",
                        "POST",
                        "/api/studies",
                        "application/x-www-form-urlencoded",
                        null,
                        "id=h-form&name=x",
                        415,
                        "unsupported content type",
                        "Content-Type",
                        "got 'application/x-www-form-urlencoded', expected application/json"),
                Arguments.of(
                        "multipart",
                        "POST",
                        "/api/studies",
                        "multipart/form-data; boundary=b",
                        null,
                        "--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nh-multipart\r\n--b--\r\n",
                        415,
                        "unsupported content type",
                        "Content-Type",
                        "got 'multipart/form-data; boundary=b', expected application/json"),
                Arguments.of(
                        "accept-xml",
                        "GET",
                        "/api/studies",
                        null,
                        "application/xml",
                        null,
                        406,
                        "not acceptable",
                        "Accept",
                        "no representation of /api/studies matches 'application/xml'"),
                Arguments.of(
                        "method",
                        "DELETE",
                        "/api/studies",
                        null,
                        null,
                        null,
                        405,
                        "method not allowed",
                        "method",
                        "DELETE is not allowed on /api/studies"),
                Arguments.of(
                        "dry-run-yes",
                        "POST",
                        "/api/studies?dryRun=yes",
                        "application/json",
                        null,
                        valid.formatted("h-dryrun"),
                        400,
                        "invalid query parameter",
                        "dryRun",
                        "must be true or false, got 'yes'"),
                Arguments.of(
                        "unknown-path",
                        "POST",
                        "/api/studys",
                        "application/json",
                        null,
                        valid.formatted("h-path"),
                        404,
                        "not found",
                        "path",
                        "no resource at /api/studys"));
    }

    @Order(3)
    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aBadHeaderIsOneJsonError(
            String label,
            String method,
            String path,
            String contentType,
            String accept,
            String body,
            int status,
            String error,
            String field,
            String message)
            throws Exception {
        if (body != null && body.contains("\"id\": \"")) {
            IDS.add(body.substring(8, body.indexOf('"', 8)));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.toURI().resolve(path))
                .header("Authorization", TestCredentials.authorization())
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        assertError(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()), status, error, field, message);
    }

    @Order(4)
    @Test
    void aChunkedBodyOrALengthThatIsNoNumberIsRefusedUnread() throws Exception {
        IDS.add("h-chunked");
        byte[] body = study("h-chunked", "").getBytes(StandardCharsets.UTF_8);
        HttpRequest chunked = HttpRequest.newBuilder(base.toURI().resolve("/api/studies"))
                .header("Authorization", TestCredentials.authorization())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        assertError(
                HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()),
                411,
                "length required",
                "Content-Length",
                "required for a request body (a chunked body is not accepted); at most 262144 bytes");
        RawResponse raw = raw("POST /api/studies HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: twelve\r\n\r\n{\"id\": \"h-length\"}");
        // refused by the HTTP codec before any route runs: the one answer here that cannot carry the JSON shape
        assertThat(raw.status()).isEqualTo(400);
        assertThat(raw.body()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // nothing partial remains

    @Order(10)
    @Test
    void noCaseLeftAStudyInTheViewOrARecordOnATopic() {
        assertThat(IDS).hasSizeGreaterThanOrEqualTo(15);
        for (String id : IDS) {
            given().get("/api/studies/" + id).then().statusCode(404);
        }
        for (String topic : List.of(Topics.STUDIES, Topics.DATASET_REQUESTS, Topics.TRAINING_REQUESTS)) {
            try (TopicProbe probe = new TopicProbe(TestInfrastructure.get().kafkaBootstrapServers(), topic)) {
                assertThat(probe.readToEnd())
                        .extracting(ConsumerRecord::key)
                        .noneMatch(key -> key != null && IDS.stream().anyMatch(key::startsWith));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(base.toURI().resolve(path))
                        .header("Content-Type", contentType)
                        .header("Authorization", TestCredentials.authorization())
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(
            HttpResponse<String> response, int status, String error, String field, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertJson(response.body(), status, error, field, message);
    }

    private static void assertJson(String body, int status, String error, String field, String message) {
        Map<String, Object> expected = Map.of(
                "status", status, "error", error, "problems", List.of(Map.of("field", field, "message", message)));
        assertThat(EventCodec.fromJson(body, Map.class)).isEqualTo(expected);
    }

    private record RawResponse(int status, String headers, String body) {}

    /** One request on a socket of its own, written as given; the answer is read until the server closes. */
    private RawResponse raw(String request) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            int line = request.indexOf("\r\n") + 2; // the API key after the request line
            out.write((request.substring(0, line) + "Authorization: " + TestCredentials.authorization() + "\r\n"
                            + request.substring(line))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int c = in.read();
                assertThat(c)
                        .as("the answer's headers end before the connection does: " + head)
                        .isNotNegative();
                head.append((char) c);
            }
            String length =
                    head.toString().toLowerCase().split("content-length: ")[1].split("\r\n")[0];
            String body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
            return new RawResponse(Integer.parseInt(head.toString().split(" ")[1]), head.toString(), body);
        }
    }

    private static void assertRawError(RawResponse raw, int status, String error, String field, String message) {
        assertThat(raw.status()).as(raw.body()).isEqualTo(status);
        assertThat(raw.headers().toLowerCase()).contains("content-type: application/json");
        assertJson(raw.body(), status, error, field, message);
    }
}
