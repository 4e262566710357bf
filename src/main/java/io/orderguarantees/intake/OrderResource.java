package io.orderguarantees.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.orderguarantees.OrderGuaranteesConfig;
import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.Problem.FieldError;
import io.orderguarantees.shared.ProblemException;
import io.orderguarantees.shared.Roles;
import io.smallrye.mutiny.Uni;

/** Takes orders over HTTP and publishes them with the acks setting and send style the caller chose. */
@Path("/orders")
@Tag(name = "orders", description = "Publish orders to Kafka with the acks setting and send style you choose")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ORDER_WRITER)
public class OrderResource {

    /** Orders one batch, one Kafka transaction, may carry. */
    public static final int MAX_BATCH = 1000;

    private final OrderPublisher publisher;
    private final BatchPublisher batches;
    private final Attempts attempts;
    private final OrderValidation validation;
    private final Duration ackTimeout;

    OrderResource(OrderPublisher publisher, BatchPublisher batches, Attempts attempts, OrderValidation validation,
            OrderGuaranteesConfig config) {
        this.publisher = publisher;
        this.batches = batches;
        this.attempts = attempts;
        this.validation = validation;
        this.ackTimeout = Duration.ofMillis(config.intake().ackTimeoutMs());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish one order", description = "sync answers 201 once the broker acknowledged, with its "
            + "partition and offset (offset null under acks=0); async and fire-and-forget answer 202 at once. The "
            + "orderId (or the Idempotency-Key header) is the idempotency key: a request repeating an order this "
            + "instance still remembers does not publish it again, and gets the first attempt's outcome.")
    @APIResponse(responseCode = "201", description = "send=sync: acknowledged by the broker, with the record's "
            + "offset; with acks=0 only handed over to the network, and the offset is null: no broker answers",
            content = @Content(schema = @Schema(implementation = SendReceipt.class)))
    @APIResponse(responseCode = "202", description = "Handed to the producer (send=async: see the Location; "
            + "send=fire-and-forget: nobody will know more)",
            content = @Content(schema = @Schema(implementation = SendReceipt.class)))
    @APIResponse(responseCode = "400", description = "Invalid order, acks, send or Idempotency-Key: errors[].field "
            + "names it; nothing was published")
    @APIResponse(responseCode = "409", description = "The orderId was already used for another order; nothing was "
            + "published")
    @APIResponse(responseCode = "422", description = "/problems/not-written: the broker refused the record for good "
            + "(too large, say)")
    @APIResponse(responseCode = "503", description = "/problems/not-written (producer saturated: retrying is safe) or "
            + "/problems/outcome-unknown (no acknowledgement in time: retry with the same orderId)")
    public Uni<Response> publish(
            @Parameter(description = "0, 1 or all (idempotent)") @QueryParam("acks") @DefaultValue("all") Acks acks,
            @Parameter(description = "fire-and-forget, sync or async") @QueryParam("send") @DefaultValue("sync")
            SendStyle send,
            @Parameter(description = "The orderId, when the body has none (RFC 8941 string: \"...\"); if both are "
                    + "given they must be equal") @HeaderParam(OrderIds.HEADER) String idempotencyKey,
            Order body) {
        List<FieldError> errors = validation.violations(body, "");
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.Type.INVALID_INPUT, describe(errors), errors, null);
        }
        Order order = OrderIds.assign(body, OrderIds.key(idempotencyKey));
        Attempts.Claim claim = attempts.claim(List.of(order), acks, send, false);
        if (claim.isNew()) {
            start(claim.attempt(), order);
        }
        return switch (send) {
            case FIRE_AND_FORGET -> Uni.createFrom().item(
                    Response.accepted(SendReceipt.accepted(order.orderId(), acks, send)).build());
            case ASYNC -> Uni.createFrom().item(Response.accepted(SendReceipt.accepted(order.orderId(), acks, send))
                    .location(UriBuilder.fromPath("/orders/{orderId}/delivery").build(order.orderId())).build());
            case SYNC -> acknowledged(claim.attempt()).map(delivered -> Response.status(Response.Status.CREATED)
                    .entity(SendReceipt.of(order.orderId(), delivered.get(0), claim.attempt().acks(), send)).build());
        };
    }

    /** Publishes a new attempt; one refused before it reached the producer is forgotten: it was not written. */
    private void start(Attempts.Attempt attempt, Order order) {
        try {
            if (attempt.outcome() == null) {
                publisher.fireAndForget(attempt.acks(), order);
            } else {
                publisher.publish(attempt.acks(), attempt.send(), order).whenComplete((delivery, failure) -> {
                    if (failure == null) {
                        attempt.outcome().complete(List.of(delivery));
                    } else {
                        attempt.outcome().completeExceptionally(failure);
                    }
                });
            }
        } catch (RuntimeException refused) {
            attempts.forget(attempt, refused);
            throw refused;
        }
    }

    @GET
    @Path("/{orderId}/delivery")
    @Operation(summary = "What is known of a remembered order: PENDING, ACKED, FAILED or HANDED_OVER")
    @APIResponse(responseCode = "200", description = "The outcome the producer's callback recorded")
    @APIResponse(responseCode = "404", description = "Forgotten (the window is bounded), or never received")
    public DeliveryStatus delivery(@PathParam("orderId") String orderId) {
        return attempts.find(orderId).orElseThrow(() -> new ProblemException(Problem.Type.NOT_FOUND,
                "no order '" + orderId + "' is remembered: forgotten by this instance's bounded window, published "
                        + "by another instance, or never received"));
    }

    /**
     * Console-producer lines, one order each; every line is checked before any is sent, then sent in order. Each
     * line gets its own result; with an Idempotency-Key, line N is order {@code <key>-N}, so that a retry of the
     * request publishes again only the lines that were not acknowledged.
     */
    @POST
    @Path("/lines")
    @Consumes(MediaType.TEXT_PLAIN)
    @Operation(summary = "Publish console-producer lines (customer:item,unitPrice[,quantity]), synchronously",
            description = "At most " + OrderLines.MAX_LINES + " order lines a request (blank lines do not count), "
                    + "each with the limits of an order; the body at most 1 MiB (else 413).")
    @APIResponse(responseCode = "201", description = "Every line acknowledged, in order")
    @APIResponse(responseCode = "400", description = "A bad line: errors[].field is 'line N'; nothing was published")
    @APIResponse(responseCode = "503", description = "Some lines not acknowledged: errors[] names them, results[] "
            + "gives every line's outcome; retry the same request with the same Idempotency-Key")
    public Uni<Response> publishLines(@QueryParam("acks") @DefaultValue("all") Acks acks,
            @QueryParam("separator") @DefaultValue(":") String separator,
            @Parameter(description = "Names the lines' orders <key>-<line number>")
            @HeaderParam(OrderIds.HEADER) String idempotencyKey, String body) {
        List<OrderLines.Line> lines = OrderLines.parse(body, separator, OrderIds.key(idempotencyKey));
        // A line's order has every limit a JSON order has (found by FuzzedInputTest: a NUL or 1e400 used to pass).
        List<FieldError> invalid = lines.stream().flatMap(line -> validation.violations(line.order(),
                "line " + line.number() + ".").stream()).toList();
        if (!invalid.isEmpty()) {
            throw new ProblemException(Problem.Type.INVALID_INPUT, describe(invalid) + " (nothing was published)",
                    invalid, null);
        }
        // Every line is claimed before any is published: an id conflict on one line publishes none.
        List<Attempts.Claim> claims = new ArrayList<>();
        try {
            for (OrderLines.Line line : lines) {
                claims.add(attempts.claim(List.of(line.order()), acks, SendStyle.SYNC, false));
            }
        } catch (ProblemException conflict) {
            claims.stream().filter(Attempts.Claim::isNew).forEach(claim -> attempts.forget(claim.attempt(), conflict));
            throw conflict;
        }
        List<Uni<LineResult>> sends = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            OrderLines.Line line = lines.get(i);
            Attempts.Claim claim = claims.get(i);
            Uni<List<Delivery>> acknowledged;
            try {
                // Published one after the other: the producer keeps one customer's lines in order in its partition.
                if (claim.isNew()) {
                    start(claim.attempt(), line.order());
                }
                acknowledged = acknowledged(claim.attempt());
            } catch (ProblemException refused) {
                acknowledged = Uni.createFrom().failure(refused);
            }
            // The receipt says how the order really was published: a remembered attempt may have had other acks.
            sends.add(acknowledged.map(delivered -> LineResult.acked(line.number(), SendReceipt.of(
                    line.order().orderId(), delivered.get(0), claim.attempt().acks(), SendStyle.SYNC)))
                    .onFailure(ProblemException.class).recoverWithItem(f -> LineResult.failed(line.number(),
                            line.order().orderId(), (ProblemException) f)));
        }
        return Uni.join().all(sends).andFailFast().map(LineResult::response);
    }

    /** All orders in one Kafka transaction: a read_committed consumer sees every one of them or none. */
    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish orders in one Kafka transaction: read_committed consumers see all or none",
            description = "Element i without an orderId gets <Idempotency-Key>-i with the header, else a new id. A "
                    + "retry of a batch this instance remembers does not publish it again. 1 to " + MAX_BATCH
                    + " orders, each with the limits of an order; the body at most 1 MiB (else 413).")
    @APIResponse(responseCode = "201", description = "The transaction committed")
    @APIResponse(responseCode = "400",
            description = "A bad element: errors[].field is '[i].field'; no transaction was started")
    @APIResponse(responseCode = "409", description = "An orderId already used for another order or batch")
    @APIResponse(responseCode = "503", description = "/problems/not-written (aborted: read_committed consumers see "
            + "nothing) or /problems/outcome-unknown (the commit's outcome is unknown: retry with the same ids)")
    public Uni<Response> publishBatch(
            @Parameter(description = "Names elements without an orderId <key>-<index>")
            @HeaderParam(OrderIds.HEADER) String idempotencyKey, List<Order> body) {
        if (body == null || body.isEmpty()) {
            throw ProblemException.invalid("body", "a non-empty JSON array of orders is required");
        }
        if (body.size() > MAX_BATCH) {
            throw ProblemException.invalid("body", body.size() + " orders, over the limit of " + MAX_BATCH
                    + " a batch (no transaction was started)");
        }
        List<FieldError> errors = IntStream.range(0, body.size())
                .mapToObj(i -> validation.violations(body.get(i), "[" + i + "]."))
                .flatMap(List::stream).toList();
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.Type.INVALID_INPUT, describe(errors) + " (no transaction was started)",
                    errors, null);
        }
        Optional<String> key = OrderIds.key(idempotencyKey);
        List<Order> orders = IntStream.range(0, body.size()).mapToObj(i -> body.get(i).orderId() != null
                ? body.get(i) : body.get(i).withId(key.map(k -> OrderIds.derived(k, i))
                        .orElseGet(() -> UUID.randomUUID().toString()))).toList();
        Attempts.Claim claim = attempts.claim(orders, Acks.ALL, SendStyle.SYNC, true);
        if (claim.isNew()) {
            try {
                batches.publish(orders).whenComplete((delivered, failure) -> {
                    if (failure == null) {
                        claim.attempt().outcome().complete(delivered);
                    } else {
                        claim.attempt().outcome().completeExceptionally(failure);
                    }
                });
            } catch (RuntimeException refused) {
                attempts.forget(claim.attempt(), refused);
                throw refused;
            }
        }
        return acknowledged(claim.attempt())
                .map(delivered -> Response.status(Response.Status.CREATED).entity(IntStream.range(0, orders.size())
                        .mapToObj(i -> SendReceipt.of(orders.get(i).orderId(), delivered.get(i), Acks.ALL,
                                SendStyle.SYNC))
                        .toList()).build());
    }

    /**
     * The attempt's acknowledgement, waited for at most the ack timeout. A copy of its outcome: the HTTP timer or a
     * client that hangs up cancels this wait, never the attempt, which a retry may still be answered with.
     */
    private Uni<List<Delivery>> acknowledged(Attempts.Attempt attempt) {
        return Uni.createFrom().completionStage(() -> attempt.outcome().copy())
                .ifNoItem().after(ackTimeout).failWith(() -> new ProblemException(Problem.Type.OUTCOME_UNKNOWN,
                        "no acknowledgement within " + ackTimeout.toMillis() + " ms (delivery.timeout.ms); the "
                                + "producer may still deliver the order: " + DeliveryFailures.OUTCOME_UNKNOWN_RETRY))
                .onFailure(f -> !(f instanceof ProblemException)).transform(DeliveryFailures::toProblem);
    }

    private static String describe(List<FieldError> errors) {
        return errors.get(0).field() + ": " + errors.get(0).message()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
    }
}
