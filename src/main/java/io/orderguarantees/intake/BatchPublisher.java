package io.orderguarantees.intake;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.orderguarantees.shared.AbortWitness;
import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Publishes a batch of orders in one Kafka transaction on channel {@code orders-tx}: read_committed consumers
 * see all of them or none. SmallRye allows one open transaction per channel, so batches run one after the
 * other, and at most {@link #MAX_QUEUED_BATCHES} wait; beyond that the caller is told to retry.
 */
@ApplicationScoped
public class BatchPublisher {

    static final int MAX_QUEUED_BATCHES = 16;

    @Inject
    @Channel("orders-tx")
    KafkaTransactions<Order> transactions;

    @Inject
    KafkaClientService clients;

    @Inject
    FencedProducer fenced;

    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private int queued;

    public CompletionStage<List<Delivery>> publish(List<Order> orders) {
        return enqueue(() -> transact(orders));
    }

    private CompletionStage<List<Delivery>> transact(List<Order> orders) {
        List<OutgoingMessageMetadata<RecordMetadata>> results = orders.stream()
                .map(o -> new OutgoingMessageMetadata<RecordMetadata>()).toList();
        AbortWitness abort = AbortWitness.of(clients.getProducer("orders-tx").unwrap());
        return transactions.withTransaction(emitter -> {
            IntStream.range(0, orders.size()).forEach(i -> emitter.send(Message.of(orders.get(i), Metadata.of(
                    OutgoingKafkaRecordMetadata.<String> builder().withKey(orders.get(i).customerId()).build(),
                    results.get(i)))));
            return Uni.createFrom().voidItem();
        }).map(committed -> {
            // SmallRye completes normally after a failed commit it aborted: never report that as accepted.
            if (abort.aborted()) {
                throw new ProblemException(Problem.Type.NOT_WRITTEN,
                        "the transaction's commit failed and it was aborted: no order of this batch is visible");
            }
            return results.stream().map(r -> Delivery.of(r.getResult())).toList();
        }).onFailure(fenced::recordIfFenced).transform(failure -> new ProblemException(Problem.Type.OUTCOME_UNKNOWN,
                "this instance's transactional producer was fenced: if its commit had reached the coordinator, the "
                        + "producer that fenced it completes it, else the batch is aborted; it cannot commit again "
                        + "until the instance restarts (liveness is DOWN): retry the same orderIds then, on any "
                        + "instance",
                List.of(), failure))
                .subscribeAsCompletionStage();
    }

    private synchronized <R> CompletionStage<R> enqueue(Supplier<CompletionStage<R>> batch) {
        if (queued >= MAX_QUEUED_BATCHES) {
            throw new ProblemException(Problem.Type.PRODUCER_SATURATED,
                    MAX_QUEUED_BATCHES + " batches are already waiting for the transactional producer: retry later");
        }
        queued++;
        CompletableFuture<R> result = tail.handle((ignored, failure) -> null)
                .thenCompose(ignored -> batch.get()).toCompletableFuture();
        tail = result.whenComplete((ignored, failure) -> dequeued());
        return result;
    }

    private synchronized void dequeued() {
        queued--;
    }
}
