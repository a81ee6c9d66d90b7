package io.softcifar.dataset.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.testsupport.ErrorShape;
import io.softcifar.testsupport.InfrastructureTestResource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every error the dataset-service can be made to answer over real HTTP is the one documented JSON shape
 * (docs/security.md: {@code {"status", "error", "problems": [{"field", "message"}]}}), checked field by field by
 * test-support's {@link ErrorShape}: the kinds every service has (404, 405, 401, 403, 415, 421, malformed JSON and a
 * misspelt field 400), an invalid spec (400 naming its field) and an unusable source (400 naming it).
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class ErrorShapeIT {

    @Test
    void everyErrorItCanBeMadeToAnswerIsTheOneShape() throws Exception {
        assertThat(ErrorShape.checkCommonKinds("/api/datasets/no-such-dataset", "/api/datasets"))
                .hasSize(9);

        Path missing = Files.createTempDirectory("error-shape").resolve("no-such-folder");
        ErrorShape.checkOneProblem(
                ErrorShape.submit()
                        .contentType("application/json")
                        .body("{\"sources\": {\"dir\": \"" + missing + "\"}, \"protocol\": \"imagenet\"}")
                        .post("/api/datasets"),
                400,
                "protocol",
                "invalid spec");
        var unusable = ErrorShape.check(
                ErrorShape.submit()
                        .contentType("application/json")
                        .body("{\"sources\": {\"dir\": \"" + missing + "\"}}")
                        .post("/api/datasets"),
                400,
                "unusable source");
        assertThat(unusable).hasSize(1);
        assertThat((String) unusable.get(0).get("field")).contains("sources");
    }
}
