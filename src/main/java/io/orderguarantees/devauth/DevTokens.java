package io.orderguarantees.devauth;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import io.orderguarantees.shared.Roles;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.jwt.build.Jwt;

/**
 * Dev mode only (built in no other profile, so the jar users ship has no such endpoint): {@code GET /dev/token} mints
 * a bearer token for the dashboard and the README's {@code curl}s, signed with a key pair made on first start in
 * {@code target/dev-jwt}, which {@code %dev.mp.jwt.verify.publickey.location} names. The pair outlives live reloads,
 * so a token stays good across them; prod trusts only the key its configuration gives.
 */
@IfBuildProfile("dev")
@Path("/dev/token")
@Tag(name = "dev", description = "Dev mode only")
public class DevTokens {

    private static final Logger LOG = Logger.getLogger(DevTokens.class);
    private static final String ALL = Roles.ORDER_WRITER + "," + Roles.BILLING_AUDITOR + "," + Roles.OPERATOR;

    private final KeyPairFiles keys;
    private final String issuer;

    DevTokens(@ConfigProperty(name = "dev-jwt.dir", defaultValue = "target/dev-jwt") String dir,
            @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer) {
        this.keys = new KeyPairFiles(java.nio.file.Path.of(dir));
        this.issuer = issuer;
    }

    // Before the first request, which is when the verifying side reads the public key.
    void createKeys(@Observes @Priority(0) StartupEvent startup) {
        keys.ensure();
        LOG.infof("Dev tokens: GET /dev/token (roles %s by default), signed with the key pair in %s", ALL,
                keys.folder());
    }

    @GET
    @PermitAll
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "A bearer token for dev mode, valid for 12 hours",
            description = "roles: comma-separated, of order-writer, billing-auditor, operator, customer; sub: the "
                    + "subject, a customer's customerId")
    public String token(@QueryParam("roles") @DefaultValue(ALL) String roles,
            @QueryParam("sub") @DefaultValue("dev") String subject) {
        Set<String> groups = new LinkedHashSet<>(Arrays.asList(roles.split("\\s*,\\s*")));
        return Jwt.issuer(issuer).subject(subject).upn(subject).groups(groups).expiresIn(Duration.ofHours(12))
                .sign(keys.readPrivateKey());
    }
}
