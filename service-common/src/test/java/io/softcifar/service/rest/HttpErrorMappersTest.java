package io.softcifar.service.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.storage.ObjectStoreException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The answers no HTTP test can provoke on purpose — 500 for a bug, 503 when a service is not ready or its store is
 * down — and the 400/409 of an invalid spec, each as the documented shape (docs/security.md): status, a one-line
 * error, one problem per field. The ErrorShapeIT of each service checks the shape on the wire.
 */
class HttpErrorMappersTest {

    private final HttpErrorMappers mappers = new HttpErrorMappers();

    @Test
    void anUnexpectedExceptionIs500WithItsOneLine() {
        ApiError body = body(mappers.unexpected(new IllegalStateException("epochs must be positive"), uri("/api/x")));
        assertThat(body).isEqualTo(new ApiError(500, "internal error: epochs must be positive", List.of()));
        ApiError noMessage = body(mappers.unexpected(new NullPointerException(), uri("/api/x")));
        assertThat(noMessage.error()).isEqualTo("internal error: java.lang.NullPointerException");
    }

    @Test
    void notReadyAndAStoreOutageAre503() {
        assertThat(body(mappers.notReady(new NotReadyException("the view is not rebuilt yet", null))))
                .isEqualTo(new ApiError(503, "the view is not rebuilt yet", List.of()));
        assertThat(body(mappers.storeUnavailable(new ObjectStoreException("connection refused"))))
                .isEqualTo(new ApiError(503, "object store unavailable: connection refused", List.of()));
    }

    @Test
    void anInvalidSpecIsItsStatusWithOneProblemPerField() {
        List<FieldError> errors =
                List.of(new FieldError("epochs", "at most 1000, got 5000"), new FieldError("seeds", "at least 1"));
        assertThat(body(mappers.invalidSpec(new InvalidSpecException(errors))))
                .isEqualTo(new ApiError(
                        400,
                        "invalid spec",
                        List.of(
                                new ApiError.Problem("epochs", "at most 1000, got 5000"),
                                new ApiError.Problem("seeds", "at least 1"))));
        Response taken = mappers.invalidSpec(
                new InvalidSpecException(409, "study id taken", List.of(new FieldError("id", "exists"))));
        assertThat(taken.getStatus()).isEqualTo(409);
        assertThat(body(taken).status()).isEqualTo(409);
    }

    private static ApiError body(Response r) {
        assertThat(r.getMediaType().toString()).isEqualTo("application/json");
        ApiError body = (ApiError) r.getEntity();
        assertThat(body.status()).isEqualTo(r.getStatus());
        return body;
    }

    private static UriInfo uri(String path) {
        return (UriInfo) Proxy.newProxyInstance(
                UriInfo.class.getClassLoader(),
                new Class<?>[] {UriInfo.class},
                (proxy, method, args) -> method.getName().equals("getPath") ? path : null);
    }
}
