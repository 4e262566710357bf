package io.orderguarantees.operate;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link OperationsTest} against the packaged service (the jar, or the native executable with -Dnative), in prod. */
@QuarkusIntegrationTest
class OperationsIT extends OperationsTest {
}
