package io.orderguarantees.billing;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.smallrye.common.annotation.Blocking;

/** The audit: what each pipeline billed, read from its invoice topic with read_committed. */
@Path("/billing")
@Tag(name = "billing", description = "What each pipeline billed, read back with read_committed")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class BillingResource {

    private static final String PIPELINES = "at-most-once, at-least-once or exactly-once";

    private final BillingAudit audit;

    BillingResource(BillingAudit audit) {
        this.audit = audit;
    }

    @GET
    @Path("/{pipeline}/summary")
    @Operation(summary = "Invoices, distinct orders, duplicates and total amount of one pipeline")
    @APIResponse(responseCode = "404", description = "No such pipeline")
    public BillingAudit.Summary summary(@Parameter(description = PIPELINES) @PathParam("pipeline") String pipeline) {
        return audit.summary(pipeline(pipeline));
    }

    @GET
    @Path("/{pipeline}/invoices")
    @Operation(summary = "The invoices of one pipeline, optionally of one customer")
    @APIResponse(responseCode = "404", description = "No such pipeline")
    public List<Invoice> invoices(@Parameter(description = PIPELINES) @PathParam("pipeline") String pipeline,
            @QueryParam("customerId") String customerId) {
        return audit.invoices(pipeline(pipeline), Optional.ofNullable(customerId));
    }

    @GET
    @Path("/dead-letters")
    @Operation(summary = "Records no pipeline could bill, with the reason and where they came from")
    public List<BillingAudit.DeadLetter> deadLetters() {
        return audit.deadLetters();
    }

    private static Pipeline pipeline(String id) {
        return Pipeline.byId(id).orElseThrow(() -> new ProblemException(Problem.Type.NOT_FOUND,
                "no pipeline '" + id + "': there are at-most-once, at-least-once and exactly-once"));
    }
}
