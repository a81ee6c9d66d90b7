package io.softcifar.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.softcifar.testsupport.Required;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON schemas of the custom resources (the CRDs' openAPIV3Schema, strict: unknown fields are errors), one file
 * per served version: {@code <group>/<kind>_<version>.json} under {@code ../shared/k8s-schemas} (override with
 * {@code -Dsoftcifar.k8s.schemas=DIR}). Validation is networknt's json-schema-validator.
 */
final class CustomResourceSchemas {

    /** API groups of built-in Kubernetes objects; everything else in a rendered overlay is a custom resource. */
    static final Set<String> BUILT_IN_GROUPS = Set.of(
            "",
            "apps",
            "batch",
            "policy",
            "networking.k8s.io",
            "autoscaling",
            "rbac.authorization.k8s.io",
            "storage.k8s.io",
            "scheduling.k8s.io",
            "apiextensions.k8s.io",
            "admissionregistration.k8s.io",
            "coordination.k8s.io");

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    private static final Map<Path, Schema> CACHE = new ConcurrentHashMap<>();

    private CustomResourceSchemas() {}

    static Path directory() {
        String configured = System.getProperty("softcifar.k8s.schemas");
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : RepoFiles.root().resolve("../shared/k8s-schemas");
        return dir.toAbsolutePath().normalize();
    }

    /** Skips (fails with CI=true) when the schemas are absent. */
    static void requirePresent() {
        Required.present(
                Files.isDirectory(directory()),
                "the CRD schemas are not at " + directory()
                        + ": custom resources were NOT validated (-Dsoftcifar.k8s.schemas=DIR names another folder)");
    }

    static boolean isCustom(JsonNode resource) {
        return !BUILT_IN_GROUPS.contains(group(resource.path("apiVersion").asText()));
    }

    static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    static String version(String apiVersion) {
        return apiVersion.substring(apiVersion.indexOf('/') + 1);
    }

    static Path schemaFile(JsonNode resource) {
        String apiVersion = resource.path("apiVersion").asText();
        String kind = resource.path("kind").asText().toLowerCase(Locale.ROOT);
        return directory().resolve(group(apiVersion)).resolve(kind + "_" + version(apiVersion) + ".json");
    }

    /** Every problem of one resource, each as one line; empty when it is valid. */
    static List<String> problems(JsonNode resource) {
        Path file = schemaFile(resource);
        String name = RenderedOverlay.describe(resource) + " ("
                + resource.path("apiVersion").asText() + ")";
        if (!Files.isRegularFile(file)) {
            return List.of(name + ": no schema " + directory().relativize(file)
                    + " — that API version is not served by the operators this deployment pins");
        }
        Schema schema = CACHE.computeIfAbsent(file, f -> REGISTRY.getSchema(RepoFiles.read(f), InputFormat.JSON));
        List<Error> errors = schema.validate(resource.toString(), InputFormat.JSON);
        return errors.stream()
                .map(e -> name + ": " + e.getInstanceLocation() + " " + e.getMessage())
                .toList();
    }
}
