package io.softcifar.testsupport;

import io.quarkus.test.common.http.TestHTTPResourceManager;

/** The management interface of the Quarkus service under test (health, metrics), which needs no credential. */
public final class ManagementPort {

    private ManagementPort() {}

    /** The management URL of {@code path}, e.g. {@code url("/q/metrics")}. */
    // Its replacement (testManagementUrl) needs the ValueRegistry and SmallRyeConfig of the running test, which this
    // static helper for plain JUnit code has no access to; revisit when Quarkus removes it.
    @SuppressWarnings("removal")
    public static String url(String path) {
        java.net.URI uri = java.net.URI.create(TestHTTPResourceManager.getManagementUri());
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort() + path;
    }
}
