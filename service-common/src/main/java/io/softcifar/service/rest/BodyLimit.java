package io.softcifar.service.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.softcifar.contracts.events.EventCodec;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A request whose {@code Content-Length} is over {@code quarkus.http.limits.max-body-size} is answered 413 with the
 * {@link ApiError} shape before any of it is read, and the connection closed. It runs just before Quarkus's own
 * check (route order −2), which answers the same status with an empty body. An HTTP/1.1 body sent without a length
 * (chunked) is refused with 411 before it is read (Quarkus would cut it off at the limit with an empty 413), and a
 * {@code Content-Length} that is not a number is refused by the HTTP codec itself with a bare 400 before any route
 * runs, and an HTTP/2 body without a length is still cut off by Quarkus with a bare 413: the two answers not in the
 * {@link ApiError} shape (docs/security.md, "Bounded requests").
 */
@ApplicationScoped
public class BodyLimit {

    /** Quarkus's upload-limit route is order −2 ({@code RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT}); this runs first. */
    static final int ORDER = -3;

    static final String PROPERTY = "quarkus.http.limits.max-body-size";

    void install(@Observes Router router) {
        Optional<MemorySize> configured = ConfigProvider.getConfig().getOptionalValue(PROPERTY, MemorySize.class);
        if (configured.isEmpty()) {
            return;
        }
        long limit = configured.get().asLongValue();
        router.route().order(ORDER).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length == null) {
                if (ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                    // a body of unknown length would be cut off by Quarkus at the limit with an empty 413; every
                    // client of these services sends a length, so a streamed body is refused before it is read
                    send(
                            ctx,
                            new ApiError(
                                    411,
                                    "length required",
                                    List.of(new ApiError.Problem(
                                            "Content-Length",
                                            "required for a request body (a chunked body is not accepted); at most "
                                                    + limit + " bytes"))));
                } else {
                    ctx.next();
                }
                return;
            }
            long bytes;
            try {
                bytes = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                bytes = -1; // the HTTP codec answers such a length with a bare 400 before any route; not ours
            }
            if (bytes > limit) {
                send(ctx, body(limit, bytes));
            } else {
                ctx.next();
            }
        });
    }

    private static void send(io.vertx.ext.web.RoutingContext ctx, ApiError error) {
        // the rest of the body is not read: close the connection after the answer, as Quarkus's own check does
        ctx.response().endHandler(done -> ctx.request().connection().close());
        ctx.response()
                .setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(EventCodec.toJson(error));
    }

    private static ApiError body(long limit, Long bytes) {
        return new ApiError(
                413,
                "request body too large",
                List.of(new ApiError.Problem(
                        "body",
                        "at most " + limit + " bytes (" + PROPERTY + "), got " + (bytes == null ? "more" : bytes))));
    }

    /** The 413 answer; {@code bytes} is null when the body came without a length and was cut off at the limit. */
    static jakarta.ws.rs.core.Response tooLarge(Long bytes) {
        long limit = ConfigProvider.getConfig()
                .getOptionalValue(PROPERTY, MemorySize.class)
                .map(MemorySize::asLongValue)
                .orElse(-1L);
        return body(limit, bytes).response();
    }
}
