package io.softcifar.results.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.softcifar.testsupport.TestCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;

/**
 * OIDC bearer tokens through Quarkus OIDC, against a real issuer on loopback: an HTTP server of this test serving
 * the discovery document and the JWKS of an RSA key drawn for this run; tokens signed here with jose4j. No mock of
 * Quarkus: the service fetches the discovery document and the keys itself. The API keys keep working next to OIDC.
 */
@QuarkusTest
@TestProfile(OidcTokensIT.WithIssuer.class)
@QuarkusTestResource(value = OidcTokensIT.Issuer.class, restrictToAnnotatedClass = true)
class OidcTokensIT {

    public static class WithIssuer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.roles.role-claim-path", "roles");
        }
    }

    static RsaJsonWebKey key;
    static RsaJsonWebKey otherKey;
    static String issuer;

    /** The issuer: {@code /.well-known/openid-configuration} and {@code /jwks} on a loopback port. */
    public static class Issuer implements QuarkusTestResourceLifecycleManager {
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                key = RsaJwkGenerator.generateJwk(2048);
                key.setKeyId("k1");
                otherKey = RsaJwkGenerator.generateJwk(2048);
                otherKey.setKeyId("k1"); // same key id, another key: only the signature tells them apart
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/softcifar";
                String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
                String jwks = "{\"keys\":[" + key.toJson() + "]}";
                server.createContext("/realms/softcifar/.well-known/openid-configuration", x -> reply(x, discovery));
                server.createContext("/realms/softcifar/jwks", x -> reply(x, jwks));
                server.start();
                return Map.of("quarkus.oidc.auth-server-url", issuer);
            } catch (IOException | JoseException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void reply(com.sun.net.httpserver.HttpExchange x, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    private static String token(RsaJsonWebKey signer, String iss, List<String> roles, int expiresInMinutes)
            throws JoseException {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(iss);
        claims.setSubject("alice");
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 + 60L * expiresInMinutes));
        claims.setStringListClaim("roles", roles);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signer.getPrivateKey());
        jws.setKeyIdHeaderValue(signer.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static Response get(String token) {
        return TestCredentials.withoutCredential()
                .header("Authorization", "Bearer " + token)
                .get("/api/studies");
    }

    private static Response post(String token) {
        return TestCredentials.withoutCredential()
                .header("Authorization", "Bearer " + token)
                .contentType("application/json")
                .body("{}")
                .post("/api/studies");
    }

    @Test
    void tokensOfTheIssuerWithEachRoleAndTheRefusals() throws Exception {
        String read = token(key, issuer, List.of("read"), 5);
        assertThat(get(read).statusCode()).isEqualTo(200);
        Response readPost = post(read);
        assertThat(readPost.statusCode()).isEqualTo(403);
        assertThat(readPost.jsonPath().getString("problems[0].field")).isEqualTo("role");

        String submit = token(key, issuer, List.of("submit"), 5);
        assertThat(get(submit).statusCode()).isEqualTo(200);
        // reaches the resource: an empty study is a 400 naming its fields, not a 401/403
        assertThat(post(submit).statusCode()).isEqualTo(400);

        // a valid token without either role: 403
        Response none = get(token(key, issuer, List.of("admin"), 5));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.jsonPath().getString("problems[0].message"))
                .isEqualTo("the token grants neither the 'read' nor the 'submit' role");

        // expired five minutes ago; signed by another key; from another issuer: 401, the JSON shape
        for (String bad : List.of(
                token(key, issuer, List.of("submit"), -5),
                token(otherKey, issuer, List.of("submit"), 5),
                token(key, "http://127.0.0.1:1/realms/other", List.of("submit"), 5),
                read.substring(0, read.length() - 4) + "AAAA")) {
            Response r = get(bad);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(401);
            assertThat(r.jsonPath().getString("problems[0].message")).isEqualTo("the bearer token is not valid");
        }

        // the API keys still work with OIDC on
        TestCredentials.withoutCredential()
                .header("Authorization", "Bearer " + TestCredentials.readKey())
                .get("/api/studies")
                .then()
                .statusCode(200);
    }
}
