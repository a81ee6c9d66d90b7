package io.softcifar.results.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.testsupport.ErrorShape;
import io.softcifar.testsupport.InfrastructureTestResource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API document at {@code /q/openapi}: every operation keeps the answers it documented before the shared error
 * answers moved to service-common's {@code SharedApiResponses} (the expected codes and descriptions below are copied
 * from the document as it was served before that change), and gets the shared ones from the filter, each with the
 * {@code ApiError} body whose properties are those of a real error answer of this service.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class OpenApiIT {

    private static final String ERROR_REF = "#/components/schemas/ApiError";

    /** "METHOD path" → the answers it documented before (code → description; null: not checked, e.g. 200 "OK"). */
    private static final Map<String, Map<String, String>> BEFORE = new LinkedHashMap<>();

    static {
        BEFORE.put("GET /api/runs/{id}", Map.of("404", "no such run"));
        BEFORE.put("GET /api/runs/{id}/artifacts", Map.of("404", "no such run"));
        BEFORE.put(
                "GET /api/runs/{id}/artifacts/{name}",
                Map.of("404", "no such run, or the run has no artifact of that name"));
        BEFORE.put(
                "POST /api/runs/{id}/cancel",
                Map.of("202", "asked to stop", "404", "no such run", "409", "the run has ended already"));
        BEFORE.put("GET /api/runs/{id}/ood-scores", Map.of("400", "bins outside 2..200", "404", "no such run"));
        BEFORE.put(
                "POST /api/runs/{id}/retry",
                Map.of(
                        "202",
                        "asked again",
                        "404",
                        "no such run",
                        "409",
                        "neither failed nor cancelled, nor a failed evaluation"));
        Map<String, String> submit = new LinkedHashMap<>();
        submit.put("201", "accepted; the body lists every run id");
        submit.put("200", null);
        submit.put("400", null);
        submit.put("409", "the id belongs to a study with another definition");
        submit.put("411", "a body without Content-Length (chunked)");
        submit.put("413", "a body over quarkus.http.limits.max-body-size (256 KiB)");
        submit.put("415", "a Content-Type other than application/json");
        BEFORE.put("POST /api/studies", submit);
        BEFORE.put("GET /api/studies", Map.of("200", "OK"));
        BEFORE.put("GET /api/studies/{id}", Map.of("404", "no such study"));
        BEFORE.put("POST /api/studies/{id}/cancel", Map.of("202", "the runs asked to stop", "404", "no such study"));
        BEFORE.put("GET /api/studies/{id}/comparison", Map.of("400", "unknown format", "404", "no such study"));
        BEFORE.put("GET /api/studies/{id}/events", Map.of("200", "OK"));
        BEFORE.put(
                "POST /api/studies/{id}/retry",
                Map.of("202", "the runs re-requested (maybe none)", "404", "no such study"));
    }

    @Test
    void everyOperationKeepsItsAnswersAndGetsTheSharedErrorAnswers() throws Exception {
        JsonNode doc = EventCodec.json()
                .readTree(ErrorShape.submit()
                        .accept("application/json")
                        .get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue()
                    .fields()
                    .forEachRemaining(op -> operations.put(
                            op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), op.getValue()));
        }
        assertThat(operations.keySet()).containsExactlyInAnyOrderElementsOf(BEFORE.keySet());

        List<String> checked = new ArrayList<>();
        BEFORE.forEach((name, answers) -> {
            JsonNode op = operations.get(name);
            JsonNode responses = op.get("responses");
            answers.forEach((code, description) -> {
                assertThat(responses.has(code)).as(name + " " + code).isTrue();
                if (description != null) {
                    assertThat(responses.get(code).get("description").asText())
                            .as(name + " " + code)
                            .isEqualTo(description);
                }
            });
            List<String> shared = new ArrayList<>(List.of("401", "403", "421", "500"));
            if (op.has("requestBody")) {
                shared.addAll(List.of("400", "411", "413", "415"));
            }
            for (String code : shared) {
                assertThat(responses.has(code)).as(name + " " + code).isTrue();
            }
            responses.fields().forEachRemaining(r -> {
                if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                    assertThat(r.getValue()
                                    .at("/content/application~1json/schema/$ref")
                                    .asText())
                            .as(name + " " + r.getKey())
                            .isEqualTo(ERROR_REF);
                    checked.add(name + " " + r.getKey());
                }
            });
        });
        // 13 operations, 4 shared codes each, 3 more on the one with a body (its 400 is its own), and the 16 the
        // resources declare: 9 under /api/runs, 7 under /api/studies
        assertThat(checked).hasSize(13 * 4 + 3 + 16);

        // a read-only operation's 403 speaks of the token only; a state-changing one's also of the role and CSRF
        assertThat(operations
                        .get("GET /api/studies")
                        .at("/responses/403/description")
                        .asText())
                .doesNotContain("CSRF");
        assertThat(operations
                        .get("POST /api/runs/{id}/cancel")
                        .at("/responses/403/description")
                        .asText())
                .contains("'submit'")
                .contains("X-CSRF-Token");

        // the schema names the fields a real error answer has
        JsonNode schema = doc.at("/components/schemas/ApiError");
        JsonNode real = EventCodec.json()
                .readTree(ErrorShape.submit().get("/api/runs/no-such-run").asString());
        List<String> realFields = new ArrayList<>();
        real.fieldNames().forEachRemaining(realFields::add);
        List<String> schemaFields = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(schemaFields::add);
        assertThat(schemaFields).containsExactlyInAnyOrderElementsOf(realFields);
        assertThat(schema.at("/properties/problems/items/properties").has("field"))
                .isTrue();
        assertThat(schema.at("/properties/problems/items/properties").has("message"))
                .isTrue();
    }
}
