package io.orderguarantees.intake;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.orderguarantees.operate.DashboardEvent;
import io.orderguarantees.operate.DashboardEvents;
import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes orders to the {@code orders} topic through one Emitter channel per acks setting. The emitters
 * never buffer without bound: past the connector's {@code max-inflight-messages} unacknowledged records and
 * {@code mp.messaging.emitter.default-buffer-size} waiting ones, {@link Emitter#send} throws (SmallRye's
 * BUFFER strategy does not terminate the emitter) and the caller is told the producer is saturated.
 */
@ApplicationScoped
public class OrderPublisher {

    @Inject
    @Channel("orders-acks-0")
    @OnOverflow(OnOverflow.Strategy.BUFFER)
    Emitter<Order> acks0;

    @Inject
    @Channel("orders-acks-1")
    @OnOverflow(OnOverflow.Strategy.BUFFER)
    Emitter<Order> acks1;

    @Inject
    @Channel("orders-acks-all")
    @OnOverflow(OnOverflow.Strategy.BUFFER)
    Emitter<Order> acksAll;

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final IntakeMetrics metrics;
    private final DashboardEvents events;

    OrderPublisher(IntakeMetrics metrics, DashboardEvents events) {
        this.metrics = metrics;
        this.events = events;
    }

    /** Hands the order to the producer and forgets it: failures are only logged by the connector. */
    public void fireAndForget(Acks acks, Order order) {
        emit(acks, SendStyle.FIRE_AND_FORGET, Message.of(order, keyedByCustomer(order)));
        metrics.handedOver(acks, SendStyle.FIRE_AND_FORGET);
        events.publish(() -> DashboardEvent.delivery(order.orderId(), acks.value(), SendStyle.FIRE_AND_FORGET.value(),
                "HANDED_OVER", null, null, null));
    }

    /** Completes with where the broker put the order, or fails with the producer's error once it gives up. */
    public CompletionStage<Delivery> publish(Acks acks, SendStyle send, Order order) {
        OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
        CompletableFuture<Delivery> delivered = new CompletableFuture<>();
        long start = System.nanoTime();
        emit(acks, send, Message.of(order, Metadata.of(key(order), result),
                () -> {
                    // The sink sets the result before it acks the message.
                    delivered.complete(Delivery.of(result.getResult()));
                    return DONE;
                },
                failure -> {
                    delivered.completeExceptionally(failure);
                    return DONE;
                }));
        return delivered.whenComplete((delivery, failure) -> {
            metrics.completed(acks, send, start, failure);
            events.publish(() -> failure == null
                    ? DashboardEvent.delivery(order.orderId(), acks.value(), send.value(), "ACKED", delivery.partition(),
                            delivery.offset(), null)
                    : DashboardEvent.delivery(order.orderId(), acks.value(), send.value(), "FAILED", null, null,
                            failure.toString()));
        });
    }

    private void emit(Acks acks, SendStyle send, Message<Order> message) {
        Emitter<Order> emitter = switch (acks) {
            case ZERO -> acks0;
            case ONE -> acks1;
            case ALL -> acksAll;
        };
        try {
            emitter.send(message);
        } catch (IllegalStateException saturated) {
            metrics.refused(acks, send);
            throw new ProblemException(Problem.Type.PRODUCER_SATURATED,
                    "the acks=" + acks.value() + " producer cannot take more orders now: retry later",
                    List.of(), saturated);
        }
    }

    private static Metadata keyedByCustomer(Order order) {
        return Metadata.of(key(order));
    }

    private static OutgoingKafkaRecordMetadata<String> key(Order order) {
        return OutgoingKafkaRecordMetadata.<String> builder().withKey(order.customerId()).build();
    }
}
