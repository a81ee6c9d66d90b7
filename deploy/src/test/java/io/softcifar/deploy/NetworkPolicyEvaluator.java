package io.softcifar.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Decides whether one pod may open a connection to another under a set of {@code networking.k8s.io/v1}
 * NetworkPolicies, with the semantics of the Kubernetes documentation ("Network Policies"), written for these tests
 * and independent of the manifests it checks:
 * <ul>
 * <li>a pod is isolated for ingress (egress) when some policy of its namespace selects it and lists that type in
 * {@code policyTypes} (absent {@code policyTypes}: Ingress, plus Egress when the policy has an {@code egress}
 * section); a non-isolated direction allows everything;</li>
 * <li>policies add up: an isolated direction is allowed when some rule of some policy that selects the pod admits
 * the peer and the port;</li>
 * <li>A → B:port is allowed iff B's ingress allows A on port AND A's egress allows B on port;</li>
 * <li>a rule without {@code from}/{@code to} admits every peer, without {@code ports} every port; a peer with only
 * {@code podSelector} means pods of the policy's namespace, only {@code namespaceSelector} every pod of the matching
 * namespaces, both: matching pods in matching namespaces; {@code ipBlock} is matched against the pod's IP;</li>
 * <li>a port is a number or the name of a container port of the destination pod; {@code endPort} gives a range;
 * protocol defaults to TCP.</li>
 * </ul>
 */
final class NetworkPolicyEvaluator {

    /**
     * A pod as NetworkPolicies see it: namespace, labels, IP, and its named container ports. A null namespace is an
     * address outside the cluster (reached only through {@code ipBlock}).
     */
    record Pod(String name, String namespace, Map<String, String> labels, String ip, Map<String, Integer> namedPorts) {
        Pod {
            labels = Map.copyOf(labels);
            namedPorts = Map.copyOf(namedPorts);
        }

        static Pod of(String name, String namespace, Map<String, String> labels) {
            return new Pod(name, namespace, labels, "10.244.0.1", Map.of());
        }

        static Pod outside(String name, String ip) {
            return new Pod(name, null, Map.of(), ip, Map.of());
        }

        /** The pod of a workload's template: its labels and named container ports; namespace from the workload. */
        static Pod ofWorkload(JsonNode workload, String ip) {
            JsonNode template = workload.path("spec").path("template");
            Map<String, String> labels = new HashMap<>();
            template.path("metadata")
                    .path("labels")
                    .fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            Map<String, Integer> ports = new HashMap<>();
            for (JsonNode container : RenderedOverlay.containers(workload)) {
                for (JsonNode port : container.path("ports")) {
                    if (port.has("name")) {
                        ports.put(
                                port.path("name").asText(),
                                port.path("containerPort").asInt());
                    }
                }
            }
            return new Pod(
                    workload.path("metadata").path("name").asText(),
                    workload.path("metadata").path("namespace").asText("default"),
                    labels,
                    ip,
                    ports);
        }
    }

    private final List<JsonNode> policies;
    private final Map<String, Map<String, String>> namespaceLabels;

    /**
     * @param policies        NetworkPolicy objects; one without {@code metadata.namespace} is in "default"
     * @param namespaceLabels labels of each namespace; {@code kubernetes.io/metadata.name} is added as the API server
     *                        does
     */
    NetworkPolicyEvaluator(List<JsonNode> policies, Map<String, Map<String, String>> namespaceLabels) {
        this.policies = List.copyOf(policies);
        Map<String, Map<String, String>> withNames = new HashMap<>();
        namespaceLabels.forEach((name, labels) -> {
            Map<String, String> all = new HashMap<>(labels);
            all.put("kubernetes.io/metadata.name", name);
            withNames.put(name, all);
        });
        this.namespaceLabels = withNames;
    }

    boolean allows(Pod from, Pod to, int port) {
        return allows(from, to, port, "TCP");
    }

    boolean allows(Pod from, Pod to, int port, String protocol) {
        return ingressAllows(to, from, port, protocol) && egressAllows(from, to, port, protocol);
    }

    boolean ingressAllows(Pod destination, Pod source, int port, String protocol) {
        return directionAllows(destination, "Ingress", "ingress", "from", source, destination, port, protocol);
    }

    boolean egressAllows(Pod source, Pod destination, int port, String protocol) {
        return directionAllows(source, "Egress", "egress", "to", destination, destination, port, protocol);
    }

    /** Not isolated in this direction, or some rule of an isolating policy admits the peer and the port. */
    private boolean directionAllows(
            Pod selected,
            String direction,
            String rulesField,
            String peersField,
            Pod peer,
            Pod destination,
            int port,
            String protocol) {
        List<JsonNode> isolating = isolating(selected, direction);
        if (isolating.isEmpty()) {
            return true;
        }
        for (JsonNode policy : isolating) {
            for (JsonNode rule : policy.path("spec").path(rulesField)) {
                if (peersAdmit(policy, rule.path(peersField), peer)
                        && portsAdmit(rule.path("ports"), destination, port, protocol)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The policies of the pod's namespace that select it and isolate it in this direction. */
    List<JsonNode> isolating(Pod pod, String direction) {
        List<JsonNode> result = new ArrayList<>();
        for (JsonNode policy : policies) {
            if (pod.namespace() != null
                    && namespace(policy).equals(pod.namespace())
                    && selects(policy.path("spec").path("podSelector"), pod.labels())
                    && policyTypes(policy).contains(direction)) {
                result.add(policy);
            }
        }
        return result;
    }

    private static List<String> policyTypes(JsonNode policy) {
        JsonNode spec = policy.path("spec");
        if (spec.has("policyTypes")) {
            return elements(spec.path("policyTypes")).map(JsonNode::asText).toList();
        }
        return spec.has("egress") ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private boolean peersAdmit(JsonNode policy, JsonNode peers, Pod pod) {
        if (peers.isMissingNode() || peers.isNull() || peers.isEmpty()) {
            return true;
        }
        return elements(peers).anyMatch(peer -> peerAdmits(policy, peer, pod));
    }

    private boolean peerAdmits(JsonNode policy, JsonNode peer, Pod pod) {
        if (peer.has("ipBlock")) {
            JsonNode block = peer.path("ipBlock");
            return Cidr.contains(block.path("cidr").asText(), pod.ip())
                    && elements(block.path("except")).noneMatch(e -> Cidr.contains(e.asText(), pod.ip()));
        }
        if (pod.namespace() == null) {
            return false; // outside the cluster: pod and namespace selectors never match it
        }
        boolean namespaceMatches = peer.has("namespaceSelector")
                ? selects(
                        peer.path("namespaceSelector"),
                        namespaceLabels.getOrDefault(
                                pod.namespace(), Map.of("kubernetes.io/metadata.name", pod.namespace())))
                : pod.namespace().equals(namespace(policy));
        boolean podMatches = !peer.has("podSelector") || selects(peer.path("podSelector"), pod.labels());
        if (!peer.has("namespaceSelector") && !peer.has("podSelector")) {
            throw new IllegalArgumentException(
                    "a NetworkPolicy peer needs podSelector, namespaceSelector or ipBlock: " + peer);
        }
        return namespaceMatches && podMatches;
    }

    private static boolean portsAdmit(JsonNode ports, Pod destination, int port, String protocol) {
        if (ports.isMissingNode() || ports.isNull() || ports.isEmpty()) {
            return true;
        }
        return elements(ports).anyMatch(entry -> {
            if (!entry.path("protocol").asText("TCP").equals(protocol)) {
                return false;
            }
            if (!entry.has("port")) {
                return true; // every port of this protocol
            }
            JsonNode value = entry.path("port");
            Optional<Integer> number = value.isInt()
                    ? Optional.of(value.asInt())
                    : value.asText().matches("\\d+")
                            ? Optional.of(Integer.parseInt(value.asText()))
                            : Optional.ofNullable(destination.namedPorts().get(value.asText()));
            if (number.isEmpty()) {
                return false; // a named port the destination does not have admits nothing there
            }
            int end = entry.has("endPort") ? entry.path("endPort").asInt() : number.get();
            return port >= number.get() && port <= end;
        });
    }

    /** A label selector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) all hold; {} selects all. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        var matchLabels = selector.path("matchLabels").fields();
        while (matchLabels.hasNext()) {
            var entry = matchLabels.next();
            if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String value = labels.get(expression.path("key").asText());
            List<String> values =
                    elements(expression.path("values")).map(JsonNode::asText).toList();
            boolean holds = switch (expression.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException("unknown selector operator in " + expression);
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static String namespace(JsonNode resource) {
        return resource.path("metadata").path("namespace").asText("default");
    }

    private static java.util.stream.Stream<JsonNode> elements(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    /** IPv4 CIDR membership. */
    static final class Cidr {
        private Cidr() {}

        static boolean contains(String cidr, String ip) {
            String[] parts = cidr.split("/");
            int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : 32;
            long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            return (toLong(parts[0]) & mask) == (toLong(ip) & mask);
        }

        private static long toLong(String address) {
            String[] octets = address.split("\\.");
            if (octets.length != 4) {
                throw new IllegalArgumentException("not an IPv4 address: " + address);
            }
            long value = 0;
            for (String octet : octets) {
                value = value << 8 | Integer.parseInt(octet);
            }
            return value;
        }
    }
}
