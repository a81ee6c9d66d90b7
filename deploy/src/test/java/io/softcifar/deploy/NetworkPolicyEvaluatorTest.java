package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.softcifar.deploy.NetworkPolicyEvaluator.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicy evaluator on hand-written policies, each answer worked out from the Kubernetes documentation's
 * rules (isolation per direction, rules add up, both ends must allow).
 */
class NetworkPolicyEvaluatorTest {

    private static final Map<String, Map<String, String>> NAMESPACES =
            Map.of("app", Map.of("team", "a"), "monitoring", Map.of(), "other", Map.of("team", "b"));
    private static final Pod WEB = new Pod("web", "app", Map.of("role", "web"), "10.1.0.1", Map.of("http", 8080));
    private static final Pod DB = new Pod("db", "app", Map.of("role", "db"), "10.1.0.2", Map.of("sql", 5432));
    private static final Pod BARE = Pod.of("bare", "app", Map.of());
    private static final Pod PROMETHEUS = Pod.of("prometheus", "monitoring", Map.of("role", "web"));
    private static final Pod OTHER_WEB = Pod.of("other-web", "other", Map.of("role", "web"));
    private static final Pod INTERNET = Pod.outside("example.org", "93.184.216.34");

    private static NetworkPolicyEvaluator evaluator(String yaml) {
        return new NetworkPolicyEvaluator(yaml.isBlank() ? List.of() : RepoFiles.documents(yaml), NAMESPACES);
    }

    private static final String DENY_ALL = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-all, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            """;

    @Test
    void withoutPoliciesEverythingIsAllowed() {
        NetworkPolicyEvaluator none = evaluator("");
        assertThat(none.allows(WEB, DB, 5432)).isTrue();
        assertThat(none.allows(BARE, DB, 1)).isTrue();
        assertThat(none.allows(DB, INTERNET, 443)).isTrue();
    }

    @Test
    void denyAllIsolatesBothDirectionsOfEveryPodInItsNamespaceOnly() {
        NetworkPolicyEvaluator deny = evaluator(DENY_ALL);
        assertThat(deny.allows(WEB, DB, 5432))
                .as("db isolated for ingress, web for egress")
                .isFalse();
        assertThat(deny.allows(PROMETHEUS, DB, 5432))
                .as("ingress to db is closed to other namespaces too")
                .isFalse();
        assertThat(deny.allows(DB, INTERNET, 443)).as("egress of db is closed").isFalse();
        assertThat(deny.allows(PROMETHEUS, OTHER_WEB, 80))
                .as("other namespaces are not affected")
                .isTrue();
        assertThat(deny.isolating(WEB, "Ingress")).hasSize(1);
    }

    @Test
    void anIngressRuleByPodLabelOpensOnlyThatPathAndEgressMustAgree() {
        String allowWebToDb = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: db-from-web, namespace: app}
                spec:
                  podSelector: {matchLabels: {role: db}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{podSelector: {matchLabels: {role: web}}}]
                      ports: [{port: 5432}]
                """;
        NetworkPolicyEvaluator ingressOnly = evaluator(allowWebToDb);
        assertThat(ingressOnly.allows(WEB, DB, 5432)).isTrue();
        assertThat(ingressOnly.allows(BARE, DB, 5432)).as("no role=web label").isFalse();
        assertThat(ingressOnly.allows(OTHER_WEB, DB, 5432))
                .as("a podSelector alone means the policy's namespace")
                .isFalse();
        assertThat(ingressOnly.allows(WEB, DB, 5433)).as("another port").isFalse();
        assertThat(ingressOnly.allows(DB, WEB, 8080)).as("web is not isolated").isTrue();

        NetworkPolicyEvaluator withDenyAll = evaluator(DENY_ALL + "---\n" + allowWebToDb);
        assertThat(withDenyAll.allows(WEB, DB, 5432))
                .as("web's egress is still denied")
                .isFalse();
        NetworkPolicyEvaluator withEgress = evaluator(DENY_ALL + "---\n" + allowWebToDb + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-to-db, namespace: app}
                spec:
                  podSelector: {matchExpressions: [{key: role, operator: In, values: [web, api]}]}
                  policyTypes: [Egress]
                  egress:
                    - to: [{podSelector: {matchExpressions: [{key: role, operator: Exists}]}}]
                      ports: [{protocol: TCP, port: 5000, endPort: 6000}]
                """);
        assertThat(withEgress.allows(WEB, DB, 5432)).as("both ends allow").isTrue();
        assertThat(withEgress.allows(WEB, DB, 5432, "UDP"))
                .as("the rules name TCP")
                .isFalse();
        assertThat(withEgress.allows(WEB, BARE, 5432))
                .as("bare has no role label: egress rule does not match")
                .isFalse();
    }

    @Test
    void namespaceSelectorsAdmitWholeNamespacesOrMatchingPodsInThem() {
        NetworkPolicyEvaluator byNamespace = evaluator("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: scrape, namespace: app}
                spec:
                  podSelector: {matchLabels: {role: db}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
                    - from: [{namespaceSelector: {matchLabels: {team: b}}, podSelector: {matchLabels: {role: api}}}]
                """);
        assertThat(byNamespace.allows(PROMETHEUS, DB, 9999))
                .as("any port: the rule has none")
                .isTrue();
        assertThat(byNamespace.allows(WEB, DB, 5432))
                .as("same namespace but not monitoring")
                .isFalse();
        assertThat(byNamespace.allows(OTHER_WEB, DB, 5432))
                .as("team b, but not role=api")
                .isFalse();
        assertThat(byNamespace.allows(Pod.of("api", "other", Map.of("role", "api")), DB, 5432))
                .isTrue();
        assertThat(byNamespace.allows(INTERNET, DB, 5432))
                .as("outside the cluster: no namespace")
                .isFalse();
    }

    @Test
    void portsByNumberNameAndProtocolAndIpBlocks() {
        NetworkPolicyEvaluator ports = evaluator(DENY_ALL + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: named, namespace: app}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                  ingress:
                    - ports: [{port: http}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: out, namespace: app}
                spec:
                  podSelector: {matchLabels: {role: db}}
                  egress:
                    - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
                      ports: [{protocol: TCP, port: 443}]
                    - to: [{namespaceSelector: {}}]
                      ports: [{protocol: UDP, port: 53}]
                """);
        // "named" admits its named port "http": web's 8080; db has no port of that name
        assertThat(ports.ingressAllows(WEB, BARE, 8080, "TCP")).isTrue();
        assertThat(ports.ingressAllows(WEB, BARE, 8081, "TCP")).isFalse();
        assertThat(ports.ingressAllows(DB, BARE, 8080, "TCP"))
                .as("db has no port named http")
                .isFalse();
        // "out" has an egress section and no policyTypes: it isolates db for ingress and egress
        assertThat(ports.egressAllows(DB, INTERNET, 443, "TCP")).isTrue();
        assertThat(ports.egressAllows(DB, INTERNET, 80, "TCP")).isFalse();
        assertThat(ports.egressAllows(DB, Pod.outside("lan", "10.2.3.4"), 443, "TCP"))
                .as("in except")
                .isFalse();
        assertThat(ports.egressAllows(DB, PROMETHEUS, 53, "UDP"))
                .as("namespaceSelector {} = every namespace")
                .isTrue();
        assertThat(ports.egressAllows(DB, PROMETHEUS, 53, "TCP")).isFalse();
        assertThat(NetworkPolicyEvaluator.Cidr.contains("172.16.0.0/12", "172.31.255.255"))
                .isTrue();
        assertThat(NetworkPolicyEvaluator.Cidr.contains("172.16.0.0/12", "172.32.0.0"))
                .isFalse();
    }

    @Test
    void selectorOperators() {
        JsonNode notIn = RepoFiles.documents("matchExpressions: [{key: tier, operator: NotIn, values: [x]},"
                        + " {key: legacy, operator: DoesNotExist}]")
                .get(0);
        assertThat(NetworkPolicyEvaluator.selects(notIn, Map.of())).isTrue();
        assertThat(NetworkPolicyEvaluator.selects(notIn, Map.of("tier", "y"))).isTrue();
        assertThat(NetworkPolicyEvaluator.selects(notIn, Map.of("tier", "x"))).isFalse();
        assertThat(NetworkPolicyEvaluator.selects(notIn, Map.of("legacy", "1"))).isFalse();
        JsonNode labels = RepoFiles.documents("matchLabels: {a: '1', b: '2'}").get(0);
        assertThat(NetworkPolicyEvaluator.selects(labels, Map.of("a", "1", "b", "2", "c", "3")))
                .isTrue();
        assertThat(NetworkPolicyEvaluator.selects(labels, Map.of("a", "1"))).isFalse();
    }
}
