package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.arc.Arc;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The authorization matrix of a running Quarkus service (docs/security.md, "Authentication"): every endpoint of its
 * route table × {no credential, an invalid key, the read key, the submit key}. The endpoints are read at run time
 * from the service's own JAX-RS resources (the {@code @Path} beans of its CDI container and their resource methods),
 * so an endpoint added later is in the matrix without touching the test.
 */
public final class AuthorizationMatrix {

    /** One endpoint: HTTP method and path template, e.g. {@code POST /api/runs/{id}/cancel}. */
    public record Endpoint(String method, String template) {

        /** The template with every {@code {param}} replaced by a value no resource has. */
        public String path() {
            return template.replaceAll("\\{[^}]+}", "no-such-id").replaceAll("/+", "/");
        }

        public boolean safe() {
            return Set.of("GET", "HEAD", "OPTIONS").contains(method);
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private AuthorizationMatrix() {}

    /** Every resource method of every {@code @Path} bean of the running application. */
    public static List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path root = type.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method m : type.getMethods()) {
                String method = httpMethod(m);
                if (method == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String template = "/" + root.value() + (sub == null ? "" : "/" + sub.value());
                endpoints.add(
                        new Endpoint(method, template.replaceAll("/+", "/").replaceAll("(.)/$", "$1")));
            }
        }
        endpoints.sort(Comparator.comparing(Endpoint::template).thenComparing(Endpoint::method));
        return endpoints;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    /**
     * Checks every endpoint: no credential and an invalid key are 401, the read key is 403 on a state-changing
     * method and passes on a safe one, the submit key passes (whatever the resource then answers: 2xx, 400, 404…);
     * each refusal is the JSON error shape. Returns the number of requests made.
     */
    public static int check(List<Endpoint> endpoints) {
        int requests = 0;
        for (Endpoint e : endpoints) {
            refused(send(e, null), e, 401, "no credential");
            refused(send(e, "Bearer not-a-key-of-this-service"), e, 401, "invalid key");
            refused(send(e, "Basic dXNlcjpwYXNz"), e, 401, "not a bearer credential");
            Response read = send(e, "Bearer " + TestCredentials.readKey());
            if (e.safe()) {
                assertThat(read.statusCode())
                        .as(e + " with the read key: " + read.asString())
                        .isNotIn(401, 403);
            } else {
                refused(read, e, 403, "read key");
            }
            Response submit = send(e, "Bearer " + TestCredentials.submitKey());
            assertThat(submit.statusCode())
                    .as(e + " with the submit key: " + submit.asString())
                    .isNotIn(401, 403);
            requests += 5;
        }
        return requests;
    }

    /**
     * The whole matrix of the running service: its route table (which must contain {@code known}, e.g.
     * {@code "GET /api/runs/{runId}"}, showing it was read), every endpoint checked, and health and metrics
     * answered on the management port without credential. Returns the endpoints.
     */
    public static List<Endpoint> verify(String... known) {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).extracting(Object::toString).contains(known);
        assertThat(check(endpoints)).isEqualTo(5 * endpoints.size());
        for (String path : List.of("/q/health/ready", "/q/health/live", "/q/metrics")) {
            Response r = RestAssured.given().noFilters().get(ManagementPort.url(path));
            assertThat(r.statusCode())
                    .as("management " + path + ": " + r.asString())
                    .isEqualTo(200);
        }
        return endpoints;
    }

    private static Response send(Endpoint e, String authorization) {
        var request =
                RestAssured.given().noFilters().contentType("application/json").accept("application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (!e.safe()) {
            request.body("{}");
        }
        return request.request(e.method(), e.path());
    }

    private static void refused(Response r, Endpoint e, int status, String what) {
        assertThat(r.statusCode()).as(e + " with " + what + ": " + r.asString()).isEqualTo(status);
        assertThat(r.contentType()).as(e + " with " + what).startsWith("application/json");
        assertThat(r.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(r.jsonPath().getString("problems[0].field")).isNotEmpty();
    }
}
