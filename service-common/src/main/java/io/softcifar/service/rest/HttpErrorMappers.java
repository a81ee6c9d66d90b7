package io.softcifar.service.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Objects;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The errors Quarkus REST raises itself before a resource runs — wrong content type (415), unacceptable Accept (406),
 * wrong method (405), a body the JSON reader cannot parse (malformed, numbers out of range, nesting too deep), a body
 * over {@code quarkus.http.limits.max-body-size} sent without a length (413) — as the one {@link ApiError} shape,
 * in every service. Without this they are answered with an empty body.
 */
public class HttpErrorMappers {

    private final JsonInputExceptionMapper json = new JsonInputExceptionMapper();

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpHeaders headers, Request request, UriInfo uri) {
        Response original = e.getResponse();
        if (original != null && original.hasEntity()) {
            return original;
        }
        if (e.getCause() instanceof JsonProcessingException j) {
            return json.badJson(j);
        }
        int status = original == null ? 500 : original.getStatus();
        if (e instanceof NotSupportedException) {
            return problem(
                    415,
                    "unsupported content type",
                    "Content-Type",
                    "got '"
                            + Objects.requireNonNullElse(headers.getHeaderString(HttpHeaders.CONTENT_TYPE), "")
                            + "', expected application/json");
        }
        if (e instanceof NotAcceptableException) {
            return problem(
                    406,
                    "not acceptable",
                    "Accept",
                    "no representation of " + uri.getPath() + " matches '" + headers.getHeaderString(HttpHeaders.ACCEPT)
                            + "'");
        }
        if (e instanceof NotAllowedException) {
            return problem(
                    405,
                    "method not allowed",
                    "method",
                    request.getMethod() + " is not allowed on "
                            + uri.getPath()
                            + (original.getAllowedMethods().isEmpty()
                                    ? ""
                                    : " (allowed: " + String.join(", ", original.getAllowedMethods()) + ")"));
        }
        if (status == 404 && (e.getMessage() == null || e.getMessage().startsWith("HTTP 404"))) {
            return problem(404, "not found", "path", "no resource at " + uri.getPath());
        }
        if (status == 413) {
            return BodyLimit.tooLarge(null);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return ApiError.of(
                        status,
                        Objects.requireNonNullElse(
                                e.getMessage(), known == null ? "HTTP " + status : known.getReasonPhrase()))
                .response();
    }

    private static Response problem(int status, String error, String field, String message) {
        return new ApiError(status, error, List.of(new ApiError.Problem(field, message))).response();
    }
}
