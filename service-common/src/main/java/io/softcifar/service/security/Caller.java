package io.softcifar.service.security;

/**
 * Who made a request, once authenticated: a name for logs, the role, and how ({@code api-key}, {@code oidc},
 * {@code session}). A session's {@code csrf} is the token its state-changing requests must repeat in
 * {@link Authentication#CSRF_HEADER}; null for the other kinds.
 */
public record Caller(String name, Role role, String kind, String csrf) {

    /** The routing-context key under which the filter stores the caller. */
    public static final String KEY = "softcifar.caller";
}
