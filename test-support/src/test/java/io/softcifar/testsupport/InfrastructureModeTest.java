package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InfrastructureModeTest {

    @Test
    void parsesTheDocumentedValuesInAnyCase() {
        assertThat(InfrastructureMode.parse("embedded", "test")).isEqualTo(InfrastructureMode.EMBEDDED);
        assertThat(InfrastructureMode.parse(" Containers ", "test")).isEqualTo(InfrastructureMode.CONTAINERS);
        assertThat(InfrastructureMode.parse("AUTO", "test")).isEqualTo(InfrastructureMode.AUTO);
    }

    @Test
    void rejectsAnUnknownValueNamingItsSourceAndTheChoices() {
        assertThatThrownBy(() -> InfrastructureMode.parse("docker", "system property softcifar.test.infra"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("system property softcifar.test.infra is 'docker'; use one of embedded, containers, auto");
    }
}
