package io.softcifar.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CLI's HTTP client of a running service: JSON in and out, and errors as one line a user can act on — the
 * service's own problem list for a 4xx, "is the stack running?" when nothing answers.
 */
public final class StackClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String service;
    private final String token;

    /** {@code service} names the service in messages, e.g. "results-service"; the token is {@link ApiToken#find}'s. */
    public StackClient(String baseUrl, String service) {
        this(baseUrl, service, (Path) null);
    }

    /** As above, the token read from {@code tokenFile} (null: {@link ApiToken#find}'s usual places). */
    public StackClient(String baseUrl, String service, Path tokenFile) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.service = service;
        this.token = ApiToken.find(tokenFile);
    }

    /** {@code Authorization: Bearer <token>} on {@code request} when there is a token. */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    public String baseUrl() {
        return base;
    }

    public static ObjectMapper json() {
        return JSON;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), path).body;
    }

    public String getText(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), path).text;
    }

    /** POSTs JSON; returns the status code and the answer. */
    public Answer post(String path, Object body) {
        String text;
        try {
            text = body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("request body: " + e.getMessage(), e);
        }
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(text)),
                path);
    }

    /** A 2xx answer: status, parsed JSON (or null), raw text. */
    public record Answer(int status, JsonNode body, String text) {}

    private Answer send(HttpRequest.Builder request, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    authorize(request).timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = parse(response.body());
            if (response.statusCode() >= 400) {
                throw new IllegalArgumentException(service + ": "
                        + problems(response.statusCode(), body, response.body())
                        + (response.statusCode() == 401
                                ? " (the CLI sends the token of --token-file, $" + ApiToken.ENV_FILE
                                        + " or ~/.softcifar/" + ApiToken.FILE_NAME + ", written by ./softcifar up)"
                                : ""));
            }
            return new Answer(response.statusCode(), body, response.body());
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach the " + service + " at " + base
                    + "; start the stack with ./softcifar up (or pass --url)");
        } catch (IOException e) {
            throw new IllegalStateException(service + " at " + base + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? null : JSON.readTree(text);
        } catch (IOException e) {
            return null; // not JSON (markdown, csv): callers use the text
        }
    }

    private static String problems(int status, JsonNode error, String text) {
        if (error == null) {
            return "HTTP " + status + (text == null || text.isBlank() ? "" : ": " + text.strip());
        }
        StringBuilder sb = new StringBuilder(error.path("error").asText("HTTP " + status));
        for (JsonNode p : error.path("problems")) {
            sb.append("; ");
            if (p.hasNonNull("field") && !p.path("field").asText().isEmpty()) {
                sb.append(p.path("field").asText()).append(": ");
            }
            sb.append(p.path("message").asText());
        }
        return sb.toString();
    }
}
