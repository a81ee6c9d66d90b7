package io.softcifar.storage;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyRulesTest {

    @Test
    void acceptsRelativeKeysAndTheEmptyListingPrefix() {
        assertThatCode(() -> KeyRules.requireKey("runs/42/model.params")).doesNotThrowAnyException();
        assertThatCode(() -> KeyRules.requirePrefix("")).doesNotThrowAnyException();
    }

    @Test
    void rejectsAbsoluteKeysNamingThem() {
        assertThatThrownBy(() -> KeyRules.requireKey("/runs/42"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/runs/42'");
    }

    @Test
    void rejectsKeysLongerThanS3Allows() {
        // 513 two-byte characters are 1026 UTF-8 bytes
        assertThatThrownBy(() -> KeyRules.requireKey("é".repeat(513))).hasMessageContaining("1024 bytes");
        assertThatCode(() -> KeyRules.requireKey("é".repeat(512))).doesNotThrowAnyException();
    }

    @Test
    void deletePrefixNeedsAFolder() {
        assertThatThrownBy(() -> KeyRules.requireFolderPrefix("runs/4"))
                .hasMessageContaining("'runs/4'")
                .hasMessageContaining("ending with '/'");
        assertThatThrownBy(() -> KeyRules.requireFolderPrefix("/")).hasMessageContaining("'/'");
        assertThatCode(() -> KeyRules.requireFolderPrefix("runs/4/")).doesNotThrowAnyException();
    }
}
