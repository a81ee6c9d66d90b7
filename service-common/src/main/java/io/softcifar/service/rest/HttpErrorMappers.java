package io.softcifar.service.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.service.events.EventPublisher;
import io.softcifar.storage.ObjectStoreException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every exception a request can end in, as the one {@link ApiError} shape, in every service (the resources answer
 * their own 404/409 with {@link ApiError#notFound} and {@link ApiError#conflict}):
 *
 * <ul>
 *   <li>the errors Quarkus REST raises itself before a resource runs — unknown path (404), wrong content type (415),
 *       unacceptable Accept (406), wrong method (405), a body the JSON reader cannot parse (malformed, numbers out of
 *       range, nesting too deep: 400, with {@link JsonInputExceptionMapper}), a body over
 *       {@code quarkus.http.limits.max-body-size} sent without a length (413). Without this they have an empty body;
 *   <li>an invalid spec or request ({@link InvalidSpecException}: 400 or 409, one problem per field);
 *   <li>what is not the caller's fault and worth retrying (503): the service is not ready yet
 *       ({@link NotReadyException}), Kafka did not take an event, the object store is down or refuses us;
 *   <li>anything else: 500, logged with its stack trace, answered with its one-line message.
 * </ul>
 */
public class HttpErrorMappers {

    private static final Logger LOG = Logger.getLogger(HttpErrorMappers.class);

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

    @ServerExceptionMapper
    public Response invalidSpec(InvalidSpecException e) {
        return ApiError.of(e.status(), e.title(), e.errors()).response();
    }

    @ServerExceptionMapper
    public Response notReady(NotReadyException e) {
        return ApiError.of(503, e.getMessage()).response();
    }

    /** Kafka did not take an event: nothing the caller did wrong, and worth retrying. */
    @ServerExceptionMapper
    public Response kafkaDown(EventPublisher.EventPublishException e) {
        return ApiError.of(503, e.getMessage()).response();
    }

    /** The object store is down or refuses us: not the caller's fault, and worth retrying. */
    @ServerExceptionMapper
    public Response storeUnavailable(ObjectStoreException e) {
        return ApiError.of(503, "object store unavailable: " + e.getMessage()).response();
    }

    /** A bug or an unforeseen state: logged in full here, answered with its one line. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.errorf(e, "%s failed", uri.getPath());
        return ApiError.of(
                        500,
                        "internal error: "
                                + Objects.requireNonNullElse(
                                        e.getMessage(), e.getClass().getName()))
                .response();
    }

    private static Response problem(int status, String error, String field, String message) {
        return ApiError.of(status, error, field, message).response();
    }
}
