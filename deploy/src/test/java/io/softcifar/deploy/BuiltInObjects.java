package io.softcifar.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Built-in Kubernetes objects read with the fabric8 model: the kind must be one a current Kubernetes serves at that
 * API version, and every field must be a field of the model (fabric8 keeps unknown fields in
 * {@code additionalProperties}; any entry there is a misspelt or invented field).
 */
final class BuiltInObjects {

    /**
     * The served API version of each built-in kind used here, on Kubernetes 1.32 and later (the versions the
     * deprecation guide lists as the only ones left: extensions/v1beta1, apps/v1beta*, policy/v1beta1,
     * batch/v1beta1, autoscaling/v2beta* were removed in 1.16 to 1.26).
     */
    static final Map<String, String> SERVED = Map.ofEntries(
            Map.entry("Namespace", "v1"),
            Map.entry("ConfigMap", "v1"),
            Map.entry("Secret", "v1"),
            Map.entry("Service", "v1"),
            Map.entry("ServiceAccount", "v1"),
            Map.entry("PersistentVolumeClaim", "v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("StatefulSet", "apps/v1"),
            Map.entry("DaemonSet", "apps/v1"),
            Map.entry("Job", "batch/v1"),
            Map.entry("CronJob", "batch/v1"),
            Map.entry("PodDisruptionBudget", "policy/v1"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("Ingress", "networking.k8s.io/v1"),
            Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"));

    /** fabric8 8 is built on Jackson 3; the rendered YAML is handed over as JSON text. */
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private BuiltInObjects() {}

    /** Every problem of one built-in object, one line each; empty when it parses cleanly. */
    static List<String> problems(JsonNode resource) {
        String name = RenderedOverlay.describe(resource);
        String kind = resource.path("kind").asText();
        String apiVersion = resource.path("apiVersion").asText();
        String served = SERVED.get(kind);
        if (served == null) {
            return List.of(name + ": kind " + kind + " is not in the list of built-in kinds this test knows"
                    + " (BuiltInObjects.SERVED)");
        }
        if (!served.equals(apiVersion)) {
            return List.of(name + ": apiVersion " + apiVersion + " is not served by current Kubernetes; use " + served);
        }
        KubernetesResource parsed;
        try {
            parsed = MAPPER.readValue(resource.toString(), KubernetesResource.class);
        } catch (JacksonException e) {
            return List.of(name + ": does not parse as " + apiVersion + " " + kind + ": " + e.getMessage());
        }
        if (parsed instanceof GenericKubernetesResource) {
            return List.of(name + ": the fabric8 model has no type for " + apiVersion + " " + kind);
        }
        List<String> problems = new ArrayList<>();
        unknownFields(parsed, name, problems);
        return problems;
    }

    /** Walks the model's getters and reports every non-empty {@code additionalProperties}. */
    private static void unknownFields(Object value, String path, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                unknownFields(element, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> unknownFields(element, path + "." + key, problems));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // a computed getter (e.g. a quantity's numeric value) that does not apply
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3))
                    + getter.getName().substring(4);
            unknownFields(child, path + "." + field, problems);
        }
    }
}
