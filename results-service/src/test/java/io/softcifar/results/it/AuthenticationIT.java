package io.softcifar.results.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.softcifar.service.security.WebSessions;
import io.softcifar.testsupport.AuthorizationMatrix;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.ManagementPort;
import io.softcifar.testsupport.TestCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication of the results-service (docs/security.md, "Authentication"): the authorization matrix over its
 * route table, the pages and their sign-in (one-time code → session cookie → CSRF header), the Host check, and the
 * management port without credential.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class AuthenticationIT {

    private static final String SIGN_IN_CODES = "/api/auth/sign-in-codes";

    @AfterEach
    void realClock() {
        Arc.container().instance(WebSessions.class).get().useClock(Clock.systemUTC());
    }

    @Test
    void everyEndpointOfTheRouteTableNeedsACredentialAndTheSubmitRoleToChangeState() {
        List<AuthorizationMatrix.Endpoint> endpoints = AuthorizationMatrix.endpoints();
        // the route table was read: the study API and the run actions are in it (not a list typed here)
        assertThat(endpoints)
                .extracting(Object::toString)
                .contains("POST /api/studies", "GET /api/studies/{id}/comparison", "POST /api/runs/{id}/cancel");
        int requests = AuthorizationMatrix.check(endpoints);
        assertThat(requests).isEqualTo(5 * endpoints.size());
        // the pages and their assets too (served by Quarkus's static handler, not JAX-RS): every file of the static
        // route's folder, listed here from the folder, so a new page cannot be forgotten either
        List<String> pages = staticFiles();
        assertThat(pages).contains("/", "/study.html", "/assets/common.js");
        for (String page : pages) {
            Response none = TestCredentials.withoutCredential().get(page);
            assertThat(none.statusCode()).as(page).isEqualTo(401);
            assertThat(none.jsonPath().getString("error")).isEqualTo("unauthorized");
            given().header("Authorization", "Bearer " + TestCredentials.readKey())
                    .get(page)
                    .then()
                    .statusCode(200);
        }
    }

    /** The paths of every file Quarkus serves from META-INF/resources ("/" for index.html). */
    private static List<String> staticFiles() {
        java.nio.file.Path folder = java.nio.file.Path.of("src/main/resources/META-INF/resources");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(folder)) {
            return files.filter(java.nio.file.Files::isRegularFile)
                    .map(f -> "/" + folder.relativize(f).toString().replace('\\', '/'))
                    .map(path -> path.equals("/index.html") ? "/" : path)
                    .sorted()
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void healthAndMetricsAreOnTheManagementPortWithoutCredentialAndNotOnTheApiPort() {
        for (String path : List.of("/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics")) {
            TestCredentials.withoutCredential()
                    .get(ManagementPort.url(path))
                    .then()
                    .statusCode(200);
            // on the API port: not there (401 before anything, as for any path)
            TestCredentials.withoutCredential().get(path).then().statusCode(401);
        }
        // the management port serves nothing else: no API, no pages
        TestCredentials.withoutCredential()
                .get(ManagementPort.url("/api/studies"))
                .then()
                .statusCode(404);
        TestCredentials.withoutCredential()
                .get(ManagementPort.url("/study.html"))
                .then()
                .statusCode(404);
    }

    @Test
    void aHostHeaderThatIsNotAConfiguredNameIs421() {
        for (String host : List.of("evil.example", "localhost.evil.example", "127.0.0.2", "results-service")) {
            Response r = given().header("Host", host).get("/api/studies");
            assertThat(r.statusCode()).as(host).isEqualTo(421);
            assertThat(r.jsonPath().getString("problems[0].field")).isEqualTo("Host");
            assertThat(r.jsonPath().getString("problems[0].message"))
                    .isEqualTo("'" + host + "' is not a name of" + " this service (softcifar.auth.allowed-hosts)");
        }
        given().header("Host", "127.0.0.1").get("/api/studies").then().statusCode(200);
    }

    @Test
    void aOneTimeCodeSignsInOnceAndTheSessionNeedsTheCsrfHeaderToChangeState() {
        String code = issueCode(TestCredentials.submitKey());
        Response signIn = TestCredentials.withoutCredential()
                .redirects()
                .follow(false)
                .get("/auth/sign-in?code=" + code + "&next=/study.html?id=s1");
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.header("Location")).isEqualTo("/study.html?id=s1");
        String session = signIn.cookie(WebSessions.SESSION_COOKIE);
        String csrf = signIn.cookie(WebSessions.CSRF_COOKIE);
        assertThat(session).isNotBlank();
        assertThat(csrf).isNotBlank().isNotEqualTo(session);
        List<String> cookies = signIn.headers().getValues("Set-Cookie");
        assertThat(cookies)
                .filteredOn(c -> c.startsWith(WebSessions.SESSION_COOKIE + "="))
                .singleElement()
                .asString()
                .containsIgnoringCase("; HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/");
        assertThat(cookies)
                .filteredOn(c -> c.startsWith(WebSessions.CSRF_COOKIE + "="))
                .singleElement()
                .asString()
                .doesNotContainIgnoringCase("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/");

        // the code is spent
        Response again = TestCredentials.withoutCredential()
                .redirects()
                .follow(false)
                .get("/auth/sign-in?code=" + code + "&next=/");
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.jsonPath().getString("problems[0].message"))
                .isEqualTo("the sign-in code is unknown, used or expired; run ./softcifar open again");

        // reading with the cookie alone works; changing state needs the header with the session's token
        TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, session)
                .get("/api/studies")
                .then()
                .statusCode(200);
        Response noHeader = TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, session)
                .contentType("application/json")
                .body("{}")
                .post("/api/studies");
        assertThat(noHeader.statusCode()).isEqualTo(403);
        assertThat(noHeader.jsonPath().getString("problems[0].field")).isEqualTo("X-CSRF-Token");
        Response wrongHeader = TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, session)
                .header("X-CSRF-Token", csrf + "x")
                .contentType("application/json")
                .body("{}")
                .post("/api/studies");
        assertThat(wrongHeader.statusCode()).isEqualTo(403);
        // a cross-site "simple" form POST carries the cookie (were SameSite ignored) but cannot set the header
        Response form = TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, session)
                .contentType("application/x-www-form-urlencoded")
                .body("id=x")
                .post("/api/runs/x/cancel");
        assertThat(form.statusCode()).isEqualTo(403);
        // with the header the request reaches the resource (400: an empty study names its missing fields)
        Response withHeader = TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, session)
                .header("X-CSRF-Token", csrf)
                .contentType("application/json")
                .body("{}")
                .post("/api/studies");
        assertThat(withHeader.statusCode()).as(withHeader.asString()).isEqualTo(400);
        // a page may not mint codes for itself
        TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, session)
                .header("X-CSRF-Token", csrf)
                .post(SIGN_IN_CODES)
                .then()
                .statusCode(403);
        // an unknown session is no session
        TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, session + "x")
                .get("/api/studies")
                .then()
                .statusCode(401);
    }

    @Test
    void aReadKeysCodeGivesAReadOnlySessionAndAnExpiredCodeIsRefused() {
        String code = issueCode(TestCredentials.readKey());
        Response signIn = TestCredentials.withoutCredential()
                .redirects()
                .follow(false)
                .get("/auth/sign-in?code=" + code + "&next=//evil.example/x");
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.header("Location")).as("never to another site").isEqualTo("/");
        Response post = TestCredentials.withoutCredential()
                .cookie(WebSessions.SESSION_COOKIE, signIn.cookie(WebSessions.SESSION_COOKIE))
                .header("X-CSRF-Token", signIn.cookie(WebSessions.CSRF_COOKIE))
                .contentType("application/json")
                .body("{}")
                .post("/api/studies");
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.jsonPath().getString("problems[0].field")).isEqualTo("role");

        String late = issueCode(TestCredentials.submitKey());
        // the default lifetime is two minutes: a clock 2 min 1 s ahead finds the code expired
        Arc.container()
                .instance(WebSessions.class)
                .get()
                .useClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2).plusSeconds(1)));
        TestCredentials.withoutCredential()
                .redirects()
                .follow(false)
                .get("/auth/sign-in?code=" + late)
                .then()
                .statusCode(401);
    }

    private static String issueCode(String key) {
        Response r = given().header("Authorization", "Bearer " + key).post(SIGN_IN_CODES);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        String path = r.jsonPath().getString("path");
        assertThat(path).startsWith("/auth/sign-in?code=");
        return r.jsonPath().getString("code");
    }
}
