package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class ScriptedModulesTest {

    @Test
    void aMissingResourceIsABrokenBuildNamingIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ScriptedModules.load(m, ScriptedModulesTest.class, "no_such_module.pt"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("no_such_module.pt is missing from the class path (broken build)");
        }
    }
}
