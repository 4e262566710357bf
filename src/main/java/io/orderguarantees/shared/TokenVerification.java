package io.orderguarantees.shared;

import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start without a way to verify callers' tokens. SmallRye JWT would start and turn every caller away
 * with a 401, logging why at DEBUG only; a service that cannot tell its callers apart says so at start instead.
 */
@ApplicationScoped
public class TokenVerification {

    void check(@Observes @Priority(0) StartupEvent startup,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> location,
            @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> key,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> issuer) {
        if (location.isEmpty() && key.isEmpty() || issuer.isEmpty()) {
            throw new IllegalStateException("No way to verify callers' tokens: set MP_JWT_VERIFY_PUBLICKEY_LOCATION "
                    + "(the identity provider's JWKS URL, or a PEM public key) and MP_JWT_VERIFY_ISSUER (the tokens' "
                    + "iss)" + (issuer.isEmpty() ? "" : "; MP_JWT_VERIFY_ISSUER is set"));
        }
    }
}
