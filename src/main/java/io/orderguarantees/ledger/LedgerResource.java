package io.orderguarantees.ledger;

import java.sql.SQLException;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.orderguarantees.shared.ProblemException;
import io.orderguarantees.shared.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;

/** What the ledger billed, read from PostgreSQL. */
@Path("/billing/ledger")
@Tag(name = "billing", description = "What each pipeline billed, read back with read_committed")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@RolesAllowed(Roles.BILLING_AUDITOR)
public class LedgerResource {

    private static final int MAX_LIMIT = 1000;

    private final LedgerQueries queries;
    private final SecurityIdentity caller;

    LedgerResource(LedgerQueries queries, SecurityIdentity caller) {
        this.queries = queries;
        this.caller = caller;
    }

    @GET
    @Path("/summary")
    @Operation(summary = "The ledger's invoices, total amount, refused duplicates and rejected records",
            description = "Added up from per-partition totals: its cost does not grow with the number of invoices.")
    @APIResponse(responseCode = "503", description = "The ledger's database does not answer")
    public LedgerQueries.Summary summary() throws SQLException {
        return queries.summary();
    }

    @GET
    @Path("/invoices")
    @Operation(summary = "The ledger's invoices, optionally of one customer, a page at a time ordered by order id",
            description = "Pass the answer's 'next' as 'after' for the next page; 'next' is null on the last page. "
                    + "A customer's token lists its own invoices only: customerId must be its subject.")
    @RolesAllowed({ Roles.BILLING_AUDITOR, Roles.CUSTOMER })
    @APIResponse(responseCode = "400", description = "limit out of range")
    @APIResponse(responseCode = "503", description = "The ledger's database does not answer")
    public LedgerQueries.Page invoices(@QueryParam("customerId") String customerId,
            @Parameter(description = "the previous page's 'next'") @QueryParam("after") String after,
            @Parameter(description = "1 to 1000") @QueryParam("limit") @DefaultValue("100") int limit)
            throws SQLException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return queries.invoices(Optional.ofNullable(Roles.invoicesOf(caller, customerId)), Optional.ofNullable(after),
                limit);
    }
}
