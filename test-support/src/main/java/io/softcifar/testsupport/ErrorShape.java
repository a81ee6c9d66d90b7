package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON error shape of every 4xx/5xx of every service, as docs/security.md documents it —
 * {@code {"status", "error", "problems": [{"field", "message"}]}} — checked field by field on real HTTP answers. The
 * expectations are written from that documentation, not from the service-common class that produces the body.
 */
public final class ErrorShape {

    private ErrorShape() {}

    /**
     * Checks that {@code r} is the error shape with HTTP {@code status}: a JSON content type; exactly the keys
     * {@code status}, {@code error} and {@code problems}; {@code status} the HTTP status again (a number);
     * {@code error} a non-empty one-line string; {@code problems} a list of objects with exactly {@code field} (a
     * string, maybe empty) and {@code message} (a non-empty one-line string). Returns the problems.
     */
    public static List<Map<String, Object>> check(Response r, int status, String what) {
        String body = r.asString();
        assertThat(r.statusCode()).as(what + ": " + body).isEqualTo(status);
        assertThat(r.contentType()).as(what + ": content type").startsWith("application/json");
        Map<String, Object> json = r.jsonPath().getMap("$");
        assertThat(json).as(what + ": " + body).containsOnlyKeys("status", "error", "problems");
        assertThat(json.get("status")).as(what + ": status").isEqualTo(status);
        assertThat(json.get("error")).as(what + ": error").isInstanceOf(String.class);
        assertThat((String) json.get("error")).as(what + ": error").isNotBlank().doesNotContain("\n");
        assertThat(json.get("problems")).as(what + ": problems").isInstanceOf(List.class);
        List<Map<String, Object>> problems = r.jsonPath().getList("problems");
        for (Map<String, Object> p : problems) {
            assertThat(p).as(what + ": problem " + p).containsOnlyKeys("field", "message");
            assertThat(p.get("field")).as(what + ": problem field").isInstanceOf(String.class);
            assertThat(p.get("message")).as(what + ": problem message").isInstanceOf(String.class);
            assertThat((String) p.get("message"))
                    .as(what + ": problem message")
                    .isNotBlank()
                    .doesNotContain("\n");
        }
        return problems;
    }

    /** Like {@link #check} and the one problem names {@code field}. */
    public static void checkOneProblem(Response r, int status, String field, String what) {
        List<Map<String, Object>> problems = check(r, status, what);
        assertThat(problems).as(what).hasSize(1);
        assertThat(problems.get(0).get("field")).as(what + ": field").isEqualTo(field);
    }

    /**
     * The error kinds every service has, provoked through real HTTP and each checked with {@link #check}: an
     * unknown path (404), a wrong method (405), an unknown id (404), no credential and an invalid one (401), a
     * {@code Host} that is not the service's (421), and, when the service takes a JSON body at {@code postPath}, the
     * read key on it (403), a wrong content type (415), JSON that does not parse and a misspelt field (400).
     * {@code unknownId} is a GET path with an id no resource has; {@code postPath} may be null. Returns the kinds
     * checked with their status.
     */
    public static Map<String, Integer> checkCommonKinds(String unknownId, String postPath) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        check(submit().get("/api/no-such-path"), 404, "unknown path");
        kinds.put("unknown path", 404);
        checkOneProblem(submit().delete(unknownId), 405, "method", "wrong method");
        kinds.put("wrong method", 405);
        check(submit().get(unknownId), 404, "unknown id");
        kinds.put("unknown id", 404);
        checkOneProblem(RestAssured.given().noFilters().get(unknownId), 401, "Authorization", "no credential");
        checkOneProblem(
                RestAssured.given()
                        .noFilters()
                        .header("Authorization", "Bearer not-a-key")
                        .get(unknownId),
                401,
                "Authorization",
                "invalid credential");
        kinds.put("unauthenticated", 401);
        checkOneProblem(submit().header("Host", "elsewhere.example").get(unknownId), 421, "Host", "foreign Host");
        kinds.put("misdirected", 421);
        if (postPath != null) {
            checkOneProblem(
                    RestAssured.given()
                            .noFilters()
                            .header("Authorization", "Bearer " + TestCredentials.readKey())
                            .contentType("application/json")
                            .body("{}")
                            .post(postPath),
                    403,
                    "role",
                    "read key on a POST");
            kinds.put("forbidden", 403);
            checkOneProblem(
                    submit().contentType("text/plain").body("{}").post(postPath),
                    415,
                    "Content-Type",
                    "text/plain body");
            kinds.put("unsupported media type", 415);
            check(submit().contentType("application/json").body("{\"id\": ").post(postPath), 400, "malformed JSON");
            kinds.put("malformed JSON", 400);
            checkOneProblem(
                    submit().contentType("application/json")
                            .body("{\"noSuchField\": 1}")
                            .post(postPath),
                    400,
                    "noSuchField",
                    "misspelt field");
            kinds.put("unknown field", 400);
        }
        return kinds;
    }

    /** A request with the submit key (and no other filter). */
    public static RequestSpecification submit() {
        return RestAssured.given().noFilters().header("Authorization", "Bearer " + TestCredentials.submitKey());
    }
}
