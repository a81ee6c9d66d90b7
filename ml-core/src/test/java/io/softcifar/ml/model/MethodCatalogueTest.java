package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.spec.RunSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The method names exist in two modules: contracts validates run requests against {@link RunSpec#METHODS}, and
 * ml-core builds heads from {@link Method}. A method added to one list only would be refused by validation or
 * unknown to training; this test is what keeps them one list.
 */
class MethodCatalogueTest {

    @Test
    void everyMethodOfARunSpecHasACatalogueEntryAndNoOtherExists() {
        assertThat(Arrays.stream(Method.values()).map(Method::id).toList()).containsExactlyElementsOf(RunSpec.METHODS);
    }

    @Test
    void everyRunSpecMethodNameParsesToItsEntry() {
        for (String name : RunSpec.METHODS) {
            assertThat(Method.parse(name).id()).isEqualTo(name);
        }
    }
}
