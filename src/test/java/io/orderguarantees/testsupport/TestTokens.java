package io.orderguarantees.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.orderguarantees.devauth.KeyPairFiles;
import io.orderguarantees.shared.Roles;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * The tests' bearer tokens: real RS256 JWTs, signed with one key pair made on first use in {@code target/test-jwt}
 * and verified by the service as any other. The test profile names that pair
 * ({@code %test.mp.jwt.verify.publickey.location}); a packaged service in prod is told it ({@link #serviceConfig}).
 */
public final class TestTokens {

    /** The roles a test that is not about roles calls with: everything but the customer's. */
    public static final Set<String> ALL_ROLES = Set.of(Roles.ORDER_WRITER, Roles.BILLING_AUDITOR, Roles.OPERATOR);
    /** As {@code %test.mp.jwt.verify.issuer} says. */
    public static final String ISSUER = "https://order-guarantees.test/issuer";
    private static final KeyPairFiles KEYS = new KeyPairFiles(Path.of("target", "test-jwt"));
    private static String allRoles;

    private TestTokens() {
    }

    /** What makes a packaged service in any profile trust these tokens. */
    public static Map<String, String> serviceConfig() {
        KEYS.ensure();
        return Map.of("mp.jwt.verify.publickey.location", KEYS.publicKey().toAbsolutePath().toString(),
                "mp.jwt.verify.issuer", ISSUER);
    }

    /** {@code Bearer <jwt>} for {@code subject} with {@code roles}, good for two hours. */
    public static String bearer(String subject, Set<String> roles) {
        return sign(Jwt.issuer(ISSUER).subject(subject).groups(roles).expiresIn(Duration.ofHours(2)));
    }

    /** {@code Bearer <jwt>} of these claims, whatever they say, signed with the key the tests' services trust. */
    public static String sign(JwtClaimsBuilder claims) {
        KEYS.ensure();
        return "Bearer " + claims.sign(KEYS.readPrivateKey());
    }

    /** {@link #bearer} with {@link #ALL_ROLES}, made once: what the harnesses send with every request. */
    public static synchronized String allRoles() {
        if (allRoles == null) {
            allRoles = bearer("test", ALL_ROLES);
        }
        return allRoles;
    }
}
