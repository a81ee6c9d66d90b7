package io.softcifar.service.security;

import io.softcifar.contracts.events.EventCodec;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web pages' sign-in (results-service, {@code softcifar.auth.web-sign-in=true}; docs/web-ui.md):
 * <ol>
 *   <li>a caller with a credential asks {@code POST /api/auth/sign-in-codes} for a one-time code (valid
 *       {@code softcifar.auth.code-ttl}, default two minutes) carrying its role — {@code ./softcifar open} does this;</li>
 *   <li>the browser opens {@code GET /auth/sign-in?code=…&next=/study.html?id=…}: the code is spent (a second use, or
 *       one after its time, is 401) and the answer sets the session cookie ({@value #SESSION_COOKIE}: HttpOnly,
 *       SameSite=Strict, Path=/) and the CSRF cookie ({@value #CSRF_COOKIE}, readable by the pages' script, same
 *       attributes otherwise), then redirects (303) to {@code next} (a path on this service, never another site);</li>
 *   <li>the pages send the CSRF cookie's value in {@value Authentication#CSRF_HEADER} with every state-changing
 *       request; {@link Authentication} compares it with the session's token.</li>
 * </ol>
 * Sessions live in memory: a restart signs every page out (run {@code ./softcifar open} again).
 */
@ApplicationScoped
public class WebSessions {

    public static final String SIGN_IN_PATH = "/auth/sign-in";
    public static final String CODES_PATH = "/api/auth/sign-in-codes";
    public static final String SESSION_COOKIE = "softcifar_session";
    public static final String CSRF_COOKIE = "softcifar_csrf";

    private record Pending(Role role, String name, Instant expires) {}

    private record Session(Caller caller, Instant expires) {}

    private final Map<String, Pending> codes = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private volatile Clock clock = Clock.systemUTC();
    private AuthSettings settings;

    void install(Router router, Authentication authentication) {
        settings = authentication.settings();
        router.route(HttpMethod.POST, CODES_PATH).handler(this::issue);
        router.route(HttpMethod.GET, SIGN_IN_PATH).handler(this::signIn);
    }

    private void issue(RoutingContext ctx) {
        Caller caller = ctx.get(Caller.KEY);
        if (caller == null || "session".equals(caller.kind())) {
            Authentication.refuse(
                    ctx,
                    403,
                    "forbidden",
                    "Authorization",
                    "a sign-in code is issued to an API key or OIDC token, not to a page");
            return;
        }
        purge();
        String code = ApiKeys.generate();
        Instant expires = clock.instant().plus(settings.codeTtl());
        codes.put(ApiKeys.sha256Hex(code), new Pending(caller.role(), caller.name(), expires));
        ctx.response()
                .setStatusCode(201)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(EventCodec.toJson(
                        Map.of("code", code, "path", SIGN_IN_PATH + "?code=" + code, "expires", expires.toString())));
    }

    private void signIn(RoutingContext ctx) {
        String code = ctx.request().getParam("code");
        Pending pending = code == null ? null : codes.remove(ApiKeys.sha256Hex(code));
        if (pending == null || pending.expires().isBefore(clock.instant())) {
            Authentication.refuse(
                    ctx,
                    401,
                    "unauthorized",
                    "code",
                    "the sign-in code is unknown, used or expired;" + " run ./softcifar open again");
            return;
        }
        String next = ctx.request().getParam("next");
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            next = "/";
        }
        String id = ApiKeys.generate();
        String csrf = ApiKeys.generate();
        Instant expires = clock.instant().plus(settings.sessionTtl());
        sessions.put(
                ApiKeys.sha256Hex(id),
                new Session(new Caller(pending.name() + " (page)", pending.role(), "session", csrf), expires));
        long maxAge = settings.sessionTtl().toSeconds();
        ctx.response()
                .addCookie(Cookie.cookie(SESSION_COOKIE, id)
                        .setHttpOnly(true)
                        .setPath("/")
                        .setSameSite(CookieSameSite.STRICT)
                        .setMaxAge(maxAge));
        ctx.response()
                .addCookie(Cookie.cookie(CSRF_COOKIE, csrf)
                        .setPath("/")
                        .setSameSite(CookieSameSite.STRICT)
                        .setMaxAge(maxAge));
        ctx.response()
                .setStatusCode(303)
                .putHeader(HttpHeaders.LOCATION, next)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end();
    }

    /** The clock codes and sessions expire by (a test moves it past a code's lifetime). */
    public void useClock(Clock clock) {
        this.clock = clock;
    }

    /** The caller of the request's session cookie, or null (no cookie, unknown or expired session). */
    Caller fromCookie(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
        if (cookie == null) {
            return null;
        }
        Session session = sessions.get(ApiKeys.sha256Hex(cookie.getValue()));
        if (session == null || session.expires().isBefore(clock.instant())) {
            return null;
        }
        return session.caller();
    }

    private void purge() {
        Instant now = clock.instant();
        codes.values().removeIf(p -> p.expires().isBefore(now));
        sessions.values().removeIf(s -> s.expires().isBefore(now));
    }
}
