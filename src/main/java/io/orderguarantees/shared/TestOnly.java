package io.orderguarantees.shared;

import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Where injected faults and benchmarks may run: the dev and test profiles. Checked at run time, not build time,
 * because the integration tests run the very jar that ships, in the test profile.
 */
public final class TestOnly {

    private TestOnly() {
    }

    public static boolean allowed() {
        return ConfigUtils.isProfileActive("dev") || ConfigUtils.isProfileActive("test");
    }
}
