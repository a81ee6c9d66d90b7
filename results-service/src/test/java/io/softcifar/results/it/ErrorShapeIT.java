package io.softcifar.results.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.softcifar.testsupport.ErrorShape;
import io.softcifar.testsupport.InfrastructureTestResource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every error the results-service can be made to answer over real HTTP is the one documented JSON shape
 * (docs/security.md: {@code {"status", "error", "problems": [{"field", "message"}]}}), checked field by field by
 * test-support's {@link ErrorShape}: the kinds every service has (404, 405, 401, 403, 415, 421, malformed JSON and a
 * misspelt field 400), an invalid study (400, a problem per field), a bad query parameter (400 naming it), unknown
 * runs under each run resource (404) and a study id taken by another definition (409). Not provoked here: 503 (the
 * view is rebuilt before the first request can be sent) and 500 (no request reaches a bug on purpose).
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class ErrorShapeIT {

    private static final String DATASET = "ds-error-shape";

    @Test
    void everyErrorItCanBeMadeToAnswerIsTheOneShape() {
        assertThat(ErrorShape.checkCommonKinds("/api/studies/no-such-study", "/api/studies"))
                .hasSize(9);

        for (String path : List.of(
                "/api/runs/no-such-run",
                "/api/runs/no-such-run/artifacts",
                "/api/runs/no-such-run/artifacts/best.params",
                "/api/runs/no-such-run/ood-scores",
                "/api/studies/no-such-study/comparison")) {
            ErrorShape.check(ErrorShape.submit().get(path), 404, "GET " + path);
        }
        for (String path : List.of("/api/runs/no-such-run/cancel", "/api/studies/no-such-study/retry")) {
            ErrorShape.check(ErrorShape.submit().post(path), 404, "POST " + path);
        }
        ErrorShape.checkOneProblem(
                ErrorShape.submit().get("/api/runs/no-such-run/ood-scores?bins=1"), 400, "bins", "bins out of range");
        ErrorShape.checkOneProblem(
                post("/api/studies?dryRun=yes", study("shape-dry", "x")), 400, "dryRun", "dryRun not a boolean");

        var problems = ErrorShape.check(post("/api/studies", "{\"id\": \"shape-bad\"}"), 400, "invalid study");
        assertThat(problems).extracting(p -> p.get("field")).contains("name", "datasetId");

        try (EventWire wire = EventWire.open()) {
            wire.datasetReady(DATASET); // a study on it is accepted, so its id can be taken
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> post("/api/studies", study("shape-taken", "first")).statusCode() == 201);
        ErrorShape.checkOneProblem(post("/api/studies", study("shape-taken", "second")), 409, "id", "id taken");
    }

    private static Response post(String path, String body) {
        return ErrorShape.submit().contentType("application/json").body(body).post(path);
    }

    private static String study(String id, String name) {
        return "{\"id\": \"" + id + "\", \"name\": \"" + name + "\", \"datasetId\": \"" + DATASET
                + "\", \"seeds\": 1, \"grid\": {\"methods\": [\"basic\"], \"labelModes\": [\"soft\"]}}";
    }
}
