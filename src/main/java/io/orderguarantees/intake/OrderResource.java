package io.orderguarantees.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
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
import io.smallrye.mutiny.Uni;

/** Takes orders over HTTP and publishes them with the acks setting and send style the caller chose. */
@Path("/orders")
@Tag(name = "orders", description = "Publish orders to Kafka with the acks setting and send style you choose")
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

    private final OrderPublisher publisher;
    private final BatchPublisher batches;
    private final DeliveryStore deliveries;
    private final OrderValidation validation;
    private final Duration ackTimeout;

    OrderResource(OrderPublisher publisher, BatchPublisher batches, DeliveryStore deliveries,
            OrderValidation validation, OrderGuaranteesConfig config) {
        this.publisher = publisher;
        this.batches = batches;
        this.deliveries = deliveries;
        this.validation = validation;
        this.ackTimeout = Duration.ofMillis(config.intake().ackTimeoutMs());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish one order", description = "sync answers 201 once the broker acknowledged, with its "
            + "partition and offset (offset null under acks=0); async and fire-and-forget answer 202 at once.")
    @APIResponse(responseCode = "201", description = "send=sync: acknowledged by the broker, with the record's "
            + "offset; with acks=0 only handed over to the network, and the offset is null: no broker answers",
            content = @Content(schema = @Schema(implementation = SendReceipt.class)))
    @APIResponse(responseCode = "202", description = "Handed to the producer (send=async: see the Location; "
            + "send=fire-and-forget: nobody will know more)",
            content = @Content(schema = @Schema(implementation = SendReceipt.class)))
    @APIResponse(responseCode = "400", description = "Invalid order, acks or send: errors[].field names it; nothing was published")
    @APIResponse(responseCode = "422", description = "The broker refused the record for good (too large, say)")
    @APIResponse(responseCode = "503", description = "The broker did not acknowledge within delivery.timeout.ms, or the producer is saturated")
    public Uni<Response> publish(
            @Parameter(description = "0, 1 or all (idempotent)") @QueryParam("acks") @DefaultValue("all") Acks acks,
            @Parameter(description = "fire-and-forget, sync or async") @QueryParam("send") @DefaultValue("sync")
            SendStyle send, Order body) {
        List<FieldError> errors = validation.violations(body, "");
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.Type.INVALID_INPUT, describe(errors), errors, null);
        }
        Order order = body.withIdAssigned();
        return switch (send) {
            case FIRE_AND_FORGET -> {
                publisher.fireAndForget(acks, order);
                yield Uni.createFrom().item(Response.accepted(SendReceipt.accepted(order.orderId(), acks, send)).build());
            }
            case ASYNC -> {
                deliveries.put(DeliveryStatus.pending(order.orderId()));
                publisher.publish(acks, send, order).whenComplete((delivery, failure) -> deliveries.complete(failure == null
                        ? DeliveryStatus.acked(order.orderId(), delivery)
                        : DeliveryStatus.failed(order.orderId(), failure)));
                yield Uni.createFrom().item(Response.accepted(SendReceipt.accepted(order.orderId(), acks, send))
                        .location(UriBuilder.fromPath("/orders/{orderId}/delivery").build(order.orderId())).build());
            }
            case SYNC -> acknowledged(publisher.publish(acks, send, order), acks)
                    .map(delivery -> Response.status(Response.Status.CREATED)
                            .entity(SendReceipt.of(order.orderId(), delivery, acks, send)).build());
        };
    }

    @GET
    @Path("/{orderId}/delivery")
    @Operation(summary = "The outcome of an async order: PENDING, ACKED or FAILED")
    @APIResponse(responseCode = "200", description = "The outcome the producer's callback recorded")
    @APIResponse(responseCode = "404", description = "Not an async order, evicted from the bounded store, or never received")
    public DeliveryStatus delivery(@PathParam("orderId") String orderId) {
        return deliveries.find(orderId).orElseThrow(() -> new ProblemException(Problem.Type.NOT_FOUND,
                "no async delivery is tracked for order '" + orderId
                        + "': it was sent fire-and-forget or sync, evicted from the bounded store, or never received"));
    }

    /** Console-producer lines, one order each; every line is checked before any is sent, then sent in order. */
    @POST
    @Path("/lines")
    @Consumes(MediaType.TEXT_PLAIN)
    @Operation(summary = "Publish console-producer lines (customer:item,unitPrice[,quantity]), synchronously")
    @APIResponse(responseCode = "201", description = "Every line acknowledged, in order")
    @APIResponse(responseCode = "400", description = "A bad line: errors[].field is 'line N'; nothing was published")
    @APIResponse(responseCode = "503", description = "Not acknowledged in time")
    public Uni<Response> publishLines(@QueryParam("acks") @DefaultValue("all") Acks acks,
            @QueryParam("separator") @DefaultValue(":") String separator, String body) {
        List<Order> orders = OrderLines.parse(body, separator);
        List<Uni<Delivery>> sends = new ArrayList<>();
        for (Order order : orders) {
            // Emitted one after the other: the producer keeps one customer's lines in order in its partition.
            sends.add(acknowledged(publisher.publish(acks, SendStyle.SYNC, order), acks));
        }
        return Uni.join().all(sends).andCollectFailures()
                .map(delivered -> Response.status(Response.Status.CREATED).entity(IntStream.range(0, orders.size())
                        .mapToObj(i -> SendReceipt.of(orders.get(i).orderId(), delivered.get(i), acks, SendStyle.SYNC))
                        .toList()).build());
    }

    /** All orders in one Kafka transaction: a read_committed consumer sees every one of them or none. */
    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish orders in one Kafka transaction: read_committed consumers see all or none")
    @APIResponse(responseCode = "201", description = "The transaction committed")
    @APIResponse(responseCode = "400",
            description = "A bad element: errors[].field is '[i].field'; no transaction was started")
    @APIResponse(responseCode = "503",
            description = "The transaction was aborted or its commit failed: read_committed consumers see nothing")
    public Uni<Response> publishBatch(List<Order> body) {
        if (body == null || body.isEmpty()) {
            throw ProblemException.invalid("body", "a non-empty JSON array of orders is required");
        }
        List<FieldError> errors = IntStream.range(0, body.size())
                .mapToObj(i -> validation.violations(body.get(i), "[" + i + "]."))
                .flatMap(List::stream).toList();
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.Type.INVALID_INPUT, describe(errors) + " (no transaction was started)",
                    errors, null);
        }
        List<Order> orders = body.stream().map(Order::withIdAssigned).toList();
        return Uni.createFrom().completionStage(() -> batches.publish(orders))
                .onFailure(f -> !(f instanceof ProblemException)).transform(DeliveryFailures::toProblem)
                .map(delivered -> Response.status(Response.Status.CREATED).entity(IntStream.range(0, orders.size())
                        .mapToObj(i -> SendReceipt.of(orders.get(i).orderId(), delivered.get(i), Acks.ALL, SendStyle.SYNC))
                        .toList()).build());
    }

    private Uni<Delivery> acknowledged(CompletionStage<Delivery> delivery, Acks acks) {
        return Uni.createFrom().completionStage(delivery)
                .ifNoItem().after(ackTimeout).failWith(() -> new ProblemException(Problem.Type.NOT_ACKNOWLEDGED,
                        "the broker did not acknowledge within " + ackTimeout.toMillis()
                                + " ms (delivery.timeout.ms); the order is not accepted"))
                .onFailure(f -> !(f instanceof ProblemException)).transform(DeliveryFailures::toProblem);
    }

    private static String describe(List<FieldError> errors) {
        return errors.get(0).field() + ": " + errors.get(0).message()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
    }
}
