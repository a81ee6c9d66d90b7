package io.softcifar.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * test-support is test-scoped in every module pom (the class rules of {@link ModuleBoundariesTest} see code, this sees
 * the build: a compile-scoped test-support would put JUnit and Testcontainers into a production artifact).
 */
class TestSupportScopeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyModuleDeclaresTestSupportOnlyInTestScope() throws Exception {
        Document root = parse(Files.newInputStream(ROOT.resolve("pom.xml")));
        NodeList modules = root.getElementsByTagName("module");
        assertThat(modules.getLength()).as("modules in the root pom").isGreaterThanOrEqualTo(12);
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            try (InputStream pom = Files.newInputStream(ROOT.resolve(module).resolve("pom.xml"))) {
                violations.addAll(violations(module, parse(pom)));
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void aCompileScopedTestSupportIsFound() throws Exception {
        String pom = """
                <project><dependencies>
                  <dependency><groupId>io.softcifar</groupId><artifactId>contracts</artifactId></dependency>
                  <dependency><groupId>io.softcifar</groupId><artifactId>test-support</artifactId></dependency>
                  <dependency><groupId>io.softcifar</groupId><artifactId>test-support</artifactId>
                    <scope>test</scope></dependency>
                </dependencies></project>""";
        assertThat(violations("fixture", parse(new ByteArrayInputStream(pom.getBytes(StandardCharsets.UTF_8)))))
                .containsExactly("fixture: io.softcifar:test-support in scope compile");
    }

    /** Dependencies (outside dependencyManagement) on test-support whose scope is not test. */
    static List<String> violations(String module, Document pom) {
        List<String> found = new ArrayList<>();
        NodeList dependencies = pom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (dependency.getParentNode().getParentNode().getNodeName().equals("dependencyManagement")) {
                continue;
            }
            if ("test-support".equals(text(dependency, "artifactId"))) {
                String scope = text(dependency, "scope");
                if (!"test".equals(scope)) {
                    found.add(module + ": io.softcifar:test-support in scope " + (scope == null ? "compile" : scope));
                }
            }
        }
        return found;
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagName(child);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static Document parse(InputStream in) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
    }
}
