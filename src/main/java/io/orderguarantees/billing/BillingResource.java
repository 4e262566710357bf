package io.orderguarantees.billing;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.smallrye.common.annotation.Blocking;

/** The audit: what each pipeline billed, read from its invoice topic with read_committed. */
@Path("/billing")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class BillingResource {

    private final BillingAudit audit;

    BillingResource(BillingAudit audit) {
        this.audit = audit;
    }

    @GET
    @Path("/{pipeline}/summary")
    public BillingAudit.Summary summary(@PathParam("pipeline") String pipeline) {
        return audit.summary(pipeline(pipeline));
    }

    @GET
    @Path("/{pipeline}/invoices")
    public List<Invoice> invoices(@PathParam("pipeline") String pipeline, @QueryParam("customerId") String customerId) {
        return audit.invoices(pipeline(pipeline), Optional.ofNullable(customerId));
    }

    @GET
    @Path("/dead-letters")
    public List<BillingAudit.DeadLetter> deadLetters() {
        return audit.deadLetters();
    }

    private static Pipeline pipeline(String id) {
        return Pipeline.byId(id).orElseThrow(() -> new ProblemException(Problem.Type.NOT_FOUND,
                "no pipeline '" + id + "': there are at-most-once, at-least-once and exactly-once"));
    }
}
