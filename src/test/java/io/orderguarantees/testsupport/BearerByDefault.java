package io.orderguarantees.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Every {@code @QuarkusTest} request that names no {@code Authorization} goes out with a token holding
 * {@link TestTokens#ALL_ROLES}, unless its class is {@link Anonymous}: the test that is about roles
 * ({@code CallersTest}) sends exactly the tokens it means to, and none where it means none.
 */
public class BearerByDefault implements QuarkusTestBeforeEachCallback {

    /** A test class whose requests carry no token unless they add one. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Anonymous {
    }

    private static volatile String token;
    private static final Filter ADD_TOKEN = (request, response, next) -> {
        String current = token;
        if (current != null && !request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", current);
        }
        return next.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        use(context.getTestInstance().getClass().isAnnotationPresent(Anonymous.class) ? null
                : TestTokens.allRoles());
    }

    /** From now on, requests that name no {@code Authorization} send {@code bearer} (none if null). */
    public static synchronized void use(String bearer) {
        token = bearer;
        if (!RestAssured.filters().contains(ADD_TOKEN)) {
            RestAssured.filters(ADD_TOKEN);
        }
    }
}
