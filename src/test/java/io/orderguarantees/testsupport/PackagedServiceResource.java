package io.orderguarantees.testsupport;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * For a {@code @QuarkusIntegrationTest}: the packaged service is told to trust this JVM's test tokens
 * ({@link TestTokens#serviceConfig}), as prod is told its identity provider's key, and to open its management
 * interface on the test port that {@code @TestHTTPResource(management = true)} names (prod's default is 9000).
 */
public class PackagedServiceResource implements QuarkusTestResourceLifecycleManager {

    private static final String MANAGEMENT_TEST_PORT = "9001";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(TestTokens.serviceConfig());
        config.put("quarkus.management.port", MANAGEMENT_TEST_PORT);
        return config;
    }

    @Override
    public void stop() {
        // the keys stay for the JVM's other services
    }
}
