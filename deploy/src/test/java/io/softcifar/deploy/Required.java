package io.softcifar.deploy;

import org.junit.jupiter.api.Assumptions;

/**
 * A tool or file a test needs: absent on a developer's machine, the test is skipped with a message naming it; absent
 * in CI ({@code CI=true}), the test fails, so a check that silently stopped running cannot pass CI.
 */
final class Required {

    private Required() {
    }

    static void present(boolean present, String message) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: a missing tool or file fails the build)");
        }
        Assumptions.assumeTrue(false, message);
    }
}
