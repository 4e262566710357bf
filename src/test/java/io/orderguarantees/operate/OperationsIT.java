package io.orderguarantees.operate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.orderguarantees.testsupport.BearerByDefault;
import io.orderguarantees.testsupport.PackagedServiceResource;
import io.orderguarantees.testsupport.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link OperationsTest} against the packaged service (the jar, or the native executable with -Dnative), in prod,
 * trusting the test JVM's tokens as prod trusts its identity provider's.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedServiceResource.class)
class OperationsIT extends OperationsTest {

    @BeforeEach
    void callAsTheTestJvmsCaller() {
        BearerByDefault.use(TestTokens.allRoles());
    }

    /** The integration tests that follow in this JVM send exactly the tokens they mean to. */
    @AfterEach
    void callAsNobody() {
        BearerByDefault.use(null);
    }
}
