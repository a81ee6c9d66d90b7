package io.softcifar.testsupport;

import org.junit.jupiter.api.Assumptions;

/**
 * A file or tool a test needs (the real CIFAR-10H copy in {@code ../shared}, python3 with numpy, a built jar, …).
 * Absent on a developer's machine, the test is skipped with a message naming it; absent in CI ({@code CI=true}), the
 * test fails, so a check that silently stopped running cannot let CI go green. The one copy: every module's tests
 * use it (contracts, ml-core and deploy take test-support without its dependencies, for this class only).
 */
public final class Required {

    private Required() {}

    /** Skips (developer machine) or fails ({@code CI=true}) with {@code message} unless {@code present}. */
    public static void present(boolean present, String message) {
        if (present) {
            return;
        }
        if (inCi()) {
            throw new AssertionError(message + " (CI=true: a missing tool or file fails the build)");
        }
        Assumptions.assumeTrue(false, message);
    }

    /** True when the environment variable {@code CI} is {@code true} (GitHub Actions sets it, and {@code .ci/run} exports it). */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
