package io.softcifar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The CUDA trainer's Dockerfile, checked without building it (the build needs Docker and the base images). */
class DockerfileTest {

    static final String DOCKERFILE = "deploy/images/trainer-cuda/Dockerfile";

    @Test
    void baseImagesArePinnedAndNativesMatchThePom() {
        String text = RepoFiles.read(RepoFiles.path(DOCKERFILE));
        List<String> bases = text.lines()
                .filter(l -> l.startsWith("FROM "))
                .map(l -> l.split("\\s+")[1])
                .toList();
        assertThat(bases)
                .hasSize(2)
                .allSatisfy(
                        image -> assertThat(Images.isPinned(image)).as(image).isTrue());
        String pom = RepoFiles.read(RepoFiles.path("pom.xml"));
        assertThat(bases)
                .as("the runtime base is the Jib images' base")
                .contains(property(pom, "quarkus.jib.base-jvm-image"));
        String pytorch = property(pom, "pytorch.version");
        assertThat(text).contains("ARG PYTORCH_VERSION=" + pytorch + "\n");
        String cudaArtifact = Pattern.compile(
                        "<id>cuda</id>.*?<pytorch.native.artifact>pytorch-native-(\\w+)<", Pattern.DOTALL)
                .matcher(pom)
                .results()
                .findFirst()
                .orElseThrow()
                .group(1);
        assertThat(text).contains("ARG PYTORCH_FLAVOR=" + cudaArtifact + "\n");
        assertThat(text).contains("ENV PYTORCH_LIBRARY_PATH=/opt/djl/pytorch").contains("USER 185");
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as("pom.xml property %s", name).isTrue();
        return m.group(1);
    }
}
