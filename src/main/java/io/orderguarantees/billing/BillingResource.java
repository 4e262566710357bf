package io.orderguarantees.billing;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.orderguarantees.shared.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;

/** The audit: what each pipeline billed, as its invoice topic holds it (read_committed), and the dead letters. */
@Path("/billing")
@Tag(name = "billing", description = "What each pipeline billed, read back with read_committed")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@RolesAllowed(Roles.BILLING_AUDITOR)
public class BillingResource {

    private static final int MAX_LIMIT = 1000;
    private static final String PIPELINES = "at-most-once, at-least-once or exactly-once";

    private final BillingAudit audit;
    private final SecurityIdentity caller;

    BillingResource(BillingAudit audit, SecurityIdentity caller) {
        this.audit = audit;
        this.caller = caller;
    }

    @GET
    @Path("/{pipeline}/summary")
    @Operation(summary = "Invoices, distinct orders, duplicates and total amount of one pipeline")
    @APIResponse(responseCode = "404", description = "No such pipeline")
    public BillingAudit.Summary summary(@Parameter(description = PIPELINES) @PathParam("pipeline") String pipeline)
            throws SQLException {
        return audit.summary(pipeline(pipeline));
    }

    @GET
    @Path("/{pipeline}/invoices")
    @Operation(summary = "The invoices of one pipeline, optionally of one customer, in the order they were written",
            description = "At most 'limit'; a full page has a Link header (rel=next) to the next one. A customer's "
                    + "token lists its own invoices only: customerId must be its subject.")
    @RolesAllowed({ Roles.BILLING_AUDITOR, Roles.CUSTOMER })
    @APIResponse(responseCode = "400", description = "limit or after out of range")
    @APIResponse(responseCode = "404", description = "No such pipeline")
    public RestResponse<List<Invoice>> invoices(
            @Parameter(description = PIPELINES) @PathParam("pipeline") String pipeline,
            @QueryParam("customerId") String customerId,
            @Parameter(description = "Where the previous page ended in the invoice topic (partition:offset), as its "
                    + "Link header gives it")
            @QueryParam("after") String after,
            @Parameter(description = "1 to 1000") @QueryParam("limit") @DefaultValue("1000") int limit,
            UriInfo uri) throws SQLException {
        return page(audit.invoices(pipeline(pipeline), Optional.ofNullable(Roles.invoicesOf(caller, customerId)),
                position(after), limit(limit)), uri);
    }

    @GET
    @Path("/dead-letters")
    @Operation(summary = "Records no pipeline could bill, with the reason and where they came from")
    public RestResponse<List<BillingAudit.DeadLetter>> deadLetters(
            @Parameter(description = "partition:offset of the last dead letter of the previous page")
            @QueryParam("after") String after,
            @Parameter(description = "1 to 1000") @QueryParam("limit") @DefaultValue("1000") int limit,
            UriInfo uri) throws SQLException {
        return page(audit.deadLetters(position(after), limit(limit)), uri);
    }

    /** The page, with an RFC 8288 {@code Link: <...after=p:o>; rel="next"} when a next page may follow. */
    private static <T> RestResponse<List<T>> page(BillingAudit.Page<T> page, UriInfo uri) {
        RestResponse.ResponseBuilder<List<T>> response = RestResponse.ResponseBuilder.ok(page.items());
        page.next().ifPresent(next -> response.header("Link", "<" + uri.getRequestUriBuilder()
                .replaceQueryParam("after", next.toString()).build() + ">; rel=\"next\""));
        return response.build();
    }

    private static Optional<BillingAudit.Position> position(String after) {
        try {
            return Optional.ofNullable(after).map(BillingAudit.Position::parse);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("after", "must be partition:offset, as in 2:154");
        }
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    private static Pipeline pipeline(String id) {
        return Pipeline.byId(id).orElseThrow(() -> new ProblemException(Problem.Type.NOT_FOUND,
                "no pipeline '" + id + "': there are at-most-once, at-least-once and exactly-once"));
    }
}
