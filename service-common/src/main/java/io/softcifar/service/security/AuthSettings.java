package io.softcifar.service.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The authentication settings (docs/security.md, "Authentication"):
 * <ul>
 *   <li>{@code softcifar.auth.keys-file}: the API keys file ({@link ApiKeys});</li>
 *   <li>{@code quarkus.oidc.auth-server-url} (unless {@code quarkus.oidc.tenant-enabled=false}): OIDC bearer tokens
 *       verified by Quarkus OIDC; the token's roles come from Quarkus's {@code quarkus.oidc.roles.role-claim-path},
 *       and the values {@code softcifar.auth.oidc.read-role} and {@code softcifar.auth.oidc.submit-role} (default
 *       {@code read}, {@code submit}) grant the roles;</li>
 *   <li>{@code softcifar.auth.allowed-hosts}: the names the {@code Host} header may carry (default: localhost,
 *       127.0.0.1, [::1] and {@code quarkus.http.host} unless it is a wildcard address); {@code *} accepts any;</li>
 *   <li>{@code softcifar.auth.web-sign-in}: the one-time sign-in codes and cookie sessions of the web pages
 *       (results-service), with {@code softcifar.auth.code-ttl} and {@code softcifar.auth.session-ttl}.</li>
 * </ul>
 * Neither a keys file nor OIDC stops the start naming both settings: there is no unauthenticated mode.
 */
public record AuthSettings(
        Optional<Path> keysFile,
        boolean oidc,
        String readRole,
        String submitRole,
        List<String> allowedHosts,
        boolean webSignIn,
        Duration codeTtl,
        Duration sessionTtl) {

    public static final String KEYS_FILE = "softcifar.auth.keys-file";
    public static final String OIDC_URL = "quarkus.oidc.auth-server-url";
    public static final String OIDC_ENABLED = "quarkus.oidc.tenant-enabled";

    public static AuthSettings fromConfig() {
        Config c = ConfigProvider.getConfig();
        Optional<Path> keys = c.getOptionalValue(KEYS_FILE, String.class)
                .filter(s -> !s.isBlank())
                .map(Path::of);
        boolean oidc = c.getOptionalValue(OIDC_ENABLED, Boolean.class).orElse(true)
                && c.getOptionalValue(OIDC_URL, String.class)
                        .filter(s -> !s.isBlank())
                        .isPresent();
        List<String> hosts = new ArrayList<>();
        Optional<String> configured =
                c.getOptionalValue("softcifar.auth.allowed-hosts", String.class).filter(s -> !s.isBlank());
        if (configured.isPresent()) {
            for (String h : configured.get().split(",", -1)) {
                if (!h.isBlank()) {
                    hosts.add(h.strip().toLowerCase(Locale.ROOT));
                }
            }
        } else {
            hosts.addAll(List.of("localhost", "127.0.0.1", "[::1]"));
            c.getOptionalValue("quarkus.http.host", String.class)
                    .filter(h -> !h.equals("0.0.0.0") && !h.equals("::") && !h.equals("[::]"))
                    .ifPresent(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        }
        return new AuthSettings(
                keys,
                oidc,
                c.getOptionalValue("softcifar.auth.oidc.read-role", String.class)
                        .orElse("read"),
                c.getOptionalValue("softcifar.auth.oidc.submit-role", String.class)
                        .orElse("submit"),
                List.copyOf(hosts),
                c.getOptionalValue("softcifar.auth.web-sign-in", Boolean.class).orElse(false),
                c.getOptionalValue("softcifar.auth.code-ttl", Duration.class).orElse(Duration.ofMinutes(2)),
                c.getOptionalValue("softcifar.auth.session-ttl", Duration.class).orElse(Duration.ofHours(12)));
    }

    /** Fails when no credential source is configured, naming the settings. */
    public void requireSource() {
        if (keysFile.isEmpty() && !oidc) {
            throw new IllegalStateException("no credential source: set " + KEYS_FILE + " (env SOFTCIFAR_AUTH_KEYS_FILE,"
                    + " an API keys file) or " + OIDC_URL + " (OIDC bearer tokens);"
                    + " every endpoint but health and metrics needs a credential");
        }
    }

    /** True when the host of the request ({@code Host} or {@code :authority}, without the port) is allowed. */
    public boolean hostAllowed(String host) {
        if (allowedHosts.contains("*")) {
            return true;
        }
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = bare(host);
        return allowedHosts.stream().anyMatch(h -> bare(h).equals(name));
    }

    private static String bare(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
