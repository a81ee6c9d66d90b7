package io.softcifar.service.security;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Verifies an OIDC access token with Quarkus OIDC (issuer, signature from the issuer's JWKS, expiry, audience as
 * configured under {@code quarkus.oidc.*}) and maps its roles (Quarkus's {@code quarkus.oidc.roles.role-claim-path})
 * to {@link Role}: {@code softcifar.auth.oidc.submit-role} grants submit, {@code softcifar.auth.oidc.read-role}
 * read. A valid token with neither yields null (403); an invalid one fails (401).
 */
@ApplicationScoped
public class OidcTokens {

    @Inject
    TenantIdentityProvider identities;

    Uni<Caller> verify(String token, AuthSettings settings) {
        return identities.authenticate(new AccessTokenCredential(token)).map(identity -> {
            Role role = null;
            if (identity.hasRole(settings.readRole())) {
                role = Role.READ;
            }
            if (identity.hasRole(settings.submitRole())) {
                role = Role.SUBMIT;
            }
            return role == null ? null : new Caller(identity.getPrincipal().getName(), role, "oidc", null);
        });
    }
}
