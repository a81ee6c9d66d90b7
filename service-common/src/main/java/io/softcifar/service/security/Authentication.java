package io.softcifar.service.security;

import io.quarkus.runtime.StartupEvent;
import io.softcifar.contracts.events.EventCodec;
import io.softcifar.service.rest.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Every request to a service's HTTP port (health and metrics are on the management port, which this does not see)
 * passes here first, before the body is read (docs/security.md, "Authentication"):
 * <ol>
 *   <li>the {@code Host} header must name an allowed host ({@link AuthSettings#hostAllowed}), else 421;</li>
 *   <li>a credential: {@code Authorization: Bearer <key>} with an API key of the keys file, or an OIDC access token
 *       (when OIDC is configured), or the web pages' session cookie ({@link WebSessions}); none or a wrong one is
 *       401;</li>
 *   <li>a session's state-changing request must repeat the session's CSRF token in {@value #CSRF_HEADER} (a
 *       cross-site form or fetch cannot read it), else 403;</li>
 *   <li>the role must allow the method: {@code read} only GET/HEAD/OPTIONS, {@code submit} everything, else 403.</li>
 * </ol>
 * Every refusal is the {@link ApiError} JSON shape. The sign-in exchange of {@link WebSessions} is the one path
 * without a credential: its one-time code is the credential.
 */
@ApplicationScoped
public class Authentication {

    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Before the body-size check (−3) and Quarkus's own handlers: an unauthenticated caller learns nothing. */
    static final int ORDER = -5;

    private static final Logger LOG = Logger.getLogger(Authentication.class);

    private final AuthSettings settings;
    private final ApiKeys keys;

    @Inject
    Instance<OidcTokens> oidc;

    @Inject
    WebSessions sessions;

    public Authentication() {
        settings = AuthSettings.fromConfig();
        settings.requireSource();
        keys = settings.keysFile().map(ApiKeys::read).orElse(null);
    }

    /** Fails the start at once when no credential source is configured or the keys file is bad. */
    void onStart(@Observes StartupEvent event) {
        LOG.infof(
                "authentication: %s%s; hosts %s%s",
                keys == null
                        ? "no API keys"
                        : keys.size() + " API key(s) from "
                                + settings.keysFile().get(),
                settings.oidc() ? ", OIDC bearer tokens" : "",
                settings.allowedHosts(),
                settings.webSignIn() ? "; web sign-in with one-time codes" : "");
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::filter);
        if (settings.webSignIn()) {
            sessions.install(router, this);
        }
    }

    AuthSettings settings() {
        return settings;
    }

    private void filter(RoutingContext ctx) {
        // HTTP/1.1 Host or HTTP/2 :authority (an h2c upgrade carries it there)
        var authority = ctx.request().authority();
        String host = authority == null ? null : authority.host();
        if (!settings.hostAllowed(host)) {
            refuse(
                    ctx,
                    421,
                    "host not allowed",
                    "Host",
                    "'" + (host == null ? "" : host)
                            + "' is not a name of this service (softcifar.auth.allowed-hosts)");
            return;
        }
        if (settings.webSignIn() && WebSessions.SIGN_IN_PATH.equals(ctx.normalizedPath())) {
            ctx.next(); // the one-time code is the credential
            return;
        }
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            bearer(ctx, authorization);
            return;
        }
        Caller session = settings.webSignIn() ? sessions.fromCookie(ctx) : null;
        if (session != null) {
            if (!Role.safe(ctx.request().method().name())) {
                String csrf = ctx.request().getHeader(CSRF_HEADER);
                if (csrf == null
                        || !MessageDigest.isEqual(
                                csrf.getBytes(StandardCharsets.UTF_8),
                                session.csrf().getBytes(StandardCharsets.UTF_8))) {
                    refuse(
                            ctx,
                            403,
                            "forbidden",
                            CSRF_HEADER,
                            csrf == null
                                    ? "a signed-in page must send its CSRF token with a state-changing request"
                                    : "does not match the session's CSRF token");
                    return;
                }
            }
            authorize(ctx, session);
            return;
        }
        refuse(
                ctx,
                401,
                "unauthorized",
                "Authorization",
                "a credential is required: 'Authorization: Bearer <key>'"
                        + " with an API key or an OIDC access token"
                        + (settings.webSignIn() ? ", or a page signed in through ./softcifar open" : ""));
    }

    private void bearer(RoutingContext ctx, String authorization) {
        String[] parts = authorization.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            refuse(ctx, 401, "unauthorized", "Authorization", "expected 'Bearer <key>'");
            return;
        }
        String token = parts[1].strip();
        ApiKeys.Entry key = keys == null ? null : keys.match(token);
        if (key != null) {
            authorize(ctx, new Caller(key.name(), key.role(), "api-key", null));
            return;
        }
        if (settings.oidc()
                && oidc.isResolvable()
                && token.chars().filter(ch -> ch == '.').count() == 2) {
            ctx.request().pause();
            oidc.get()
                    .verify(token, settings)
                    .subscribe()
                    .with(
                            caller -> {
                                ctx.request().resume();
                                if (caller == null) {
                                    refuse(
                                            ctx,
                                            403,
                                            "forbidden",
                                            "Authorization",
                                            "the token grants neither the '" + settings.readRole() + "' nor the '"
                                                    + settings.submitRole() + "' role");
                                } else {
                                    authorize(ctx, caller);
                                }
                            },
                            failure -> {
                                ctx.request().resume();
                                LOG.debugf("OIDC token refused: %s", failure.toString());
                                refuse(ctx, 401, "unauthorized", "Authorization", "the bearer token is not valid");
                            });
            return;
        }
        refuse(ctx, 401, "unauthorized", "Authorization", "the bearer token is not valid");
    }

    private void authorize(RoutingContext ctx, Caller caller) {
        String method = ctx.request().method().name();
        // a read credential may sign a page in too (a read-only session): the code carries its role
        boolean readSignIn = settings.webSignIn() && WebSessions.CODES_PATH.equals(ctx.normalizedPath());
        if (!caller.role().allows(method) && !readSignIn) {
            refuse(
                    ctx,
                    403,
                    "forbidden",
                    "role",
                    "the '" + caller.role().label() + "' role may only read; " + method + " " + ctx.normalizedPath()
                            + " needs 'submit'");
            return;
        }
        ctx.put(Caller.KEY, caller);
        ctx.next();
    }

    static void refuse(RoutingContext ctx, int status, String error, String field, String message) {
        var response = ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.end(EventCodec.toJson(new ApiError(status, error, List.of(new ApiError.Problem(field, message)))));
    }
}
