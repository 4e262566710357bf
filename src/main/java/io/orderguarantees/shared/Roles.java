package io.orderguarantees.shared;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * The roles a caller's token carries in its {@code groups} claim, and what each may do. Health stays open for
 * probes; everything else needs one of these.
 */
public final class Roles {

    /** Posts orders: single, lines, batch; reads their delivery. */
    public static final String ORDER_WRITER = "order-writer";
    /** Reads {@code /billing/*}: every pipeline's summaries, invoices and dead letters. */
    public static final String BILLING_AUDITOR = "billing-auditor";
    /** The dashboard's live feed ({@code /events}), Swagger UI and the OpenAPI document in prod. */
    public static final String OPERATOR = "operator";
    /** Reads its own invoices only: the token's {@code sub} is its {@code customerId}. */
    public static final String CUSTOMER = "customer";

    private Roles() {
    }

    /**
     * The customer whose invoices this caller may list: an auditor any, or all of them; a customer only its own,
     * named in the request (OWASP API1, broken object-level authorization). Anything else is a 403 that says why.
     */
    public static String invoicesOf(SecurityIdentity caller, String customerId) {
        if (caller.hasRole(BILLING_AUDITOR)) {
            return customerId;
        }
        String subject = caller.getPrincipal() instanceof JsonWebToken token ? token.getSubject() : null;
        if (subject == null || !subject.equals(customerId)) {
            throw new ProblemException(Problem.Type.FORBIDDEN, "a customer reads its own invoices only: pass "
                    + "customerId equal to the token's subject (sub)");
        }
        return customerId;
    }
}
