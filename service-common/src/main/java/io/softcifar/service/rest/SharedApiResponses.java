package io.softcifar.service.rest;

import io.softcifar.service.security.Authentication;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The error answers every operation of every service shares, declared once for the OpenAPI document (registered
 * with {@code mp.openapi.filter} in each service's application.properties), so that each resource declares only the
 * answers of its own operation:
 *
 * <ul>
 *   <li>every operation: 401 (no or a wrong credential), 403 (role or CSRF token), 421 (Host not allowed) from
 *       {@link Authentication}, and 500 from {@link HttpErrorMappers};
 *   <li>every operation with a request body: 400 (a body that is not JSON), 411, 413 ({@link BodyLimit}) and 415;
 *   <li>every 4xx/5xx answer, these and the resources' own, gets the one body shape {@link ApiError}, a component
 *       schema {@value #SCHEMA}.
 * </ul>
 *
 * An answer a resource declares itself for a status keeps the resource's description.
 */
public class SharedApiResponses implements OASFilter {

    /** The component name of the {@link ApiError} schema. */
    public static final String SCHEMA = "ApiError";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema(SCHEMA, apiErrorSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            if (path.getOperations() == null) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> e :
                    path.getOperations().entrySet()) {
                addShared(e.getKey(), e.getValue());
            }
        }
    }

    private static void addShared(PathItem.HttpMethod method, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean safe = method == PathItem.HttpMethod.GET
                || method == PathItem.HttpMethod.HEAD
                || method == PathItem.HttpMethod.OPTIONS;
        addIfAbsent(
                responses,
                "401",
                "no credential, or a wrong one: 'Authorization: Bearer <key>' with an API key or an OIDC access"
                        + " token, or a signed-in page's session cookie");
        addIfAbsent(
                responses,
                "403",
                safe
                        ? "an OIDC token that grants neither the read nor the submit role"
                        : "the caller's role may only read (this needs 'submit'), an OIDC token that grants neither"
                                + " role, or a signed-in page's request without its " + Authentication.CSRF_HEADER
                                + " header");
        addIfAbsent(responses, "421", "the Host header names no host of this service (softcifar.auth.allowed-hosts)");
        if (operation.getRequestBody() != null) {
            addIfAbsent(responses, "400", "a body that is not JSON or not of the expected shape");
            addIfAbsent(responses, "411", "a body without Content-Length (chunked)");
            addIfAbsent(responses, "413", "a body over " + BodyLimit.PROPERTY + bodyLimit());
            addIfAbsent(responses, "415", "a Content-Type other than application/json");
        }
        addIfAbsent(responses, "500", "an unforeseen failure, answered with its one-line message (and logged)");
        for (Map.Entry<String, APIResponse> e : responses.getAPIResponses().entrySet()) {
            if ((e.getKey().startsWith("4") || e.getKey().startsWith("5"))
                    && e.getValue().getContent() == null
                    && e.getValue().getRef() == null) {
                e.getValue().setContent(errorContent());
            }
        }
    }

    private static void addIfAbsent(APIResponses responses, String status, String description) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
        }
    }

    /** " (256 KiB)" for 256K as configured (Quarkus reads K, M, G as powers of 1024), or nothing where unset. */
    private static String bodyLimit() {
        Optional<String> limit = ConfigProvider.getConfig().getOptionalValue(BodyLimit.PROPERTY, String.class);
        return limit.map(l -> " ("
                        + (l.matches("\\d+[KMGkmg]")
                                ? l.substring(0, l.length() - 1) + " "
                                        + l.substring(l.length() - 1).toUpperCase(Locale.ROOT) + "iB"
                                : l)
                        + ")")
                .orElse("");
    }

    private static org.eclipse.microprofile.openapi.models.media.Content errorContent() {
        return OASFactory.createContent()
                .addMediaType(
                        "application/json",
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref(SCHEMA)));
    }

    /** {@link ApiError} written out: the scanner sees the record only where an operation names it. */
    private static Schema apiErrorSchema() {
        Schema problem = OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("one bad field (or file, or header) and what is wrong with it")
                .addProperty(
                        "field",
                        string("a field path such as splitRatios.train or grid.methods[1], a file or a header"))
                .addProperty("message", string("what is wrong"));
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("the body of every 4xx/5xx answer")
                .addProperty(
                        "status",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.INTEGER)
                                .description("the status again"))
                .addProperty("error", string("a one-line summary"))
                .addProperty(
                        "problems",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.ARRAY)
                                .items(problem)
                                .description("for invalid input, one entry per bad field"))
                .addRequired("status")
                .addRequired("error")
                .addRequired("problems");
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }
}
