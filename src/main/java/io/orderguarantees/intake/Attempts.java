package io.orderguarantees.intake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderguarantees.OrderGuaranteesConfig;
import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;

/**
 * The orders this instance published lately, by {@code orderId}: the idempotency window. A request that repeats an
 * order still remembered here does not publish it again: it gets the first attempt's outcome, waiting for it if that
 * is still open. Only an attempt that ended without an acknowledgement (the producer gave up: the order may or may
 * not be in the topic) is published again, under the same id, which the ledger bills once. Bounded: past
 * {@code order-guarantees.intake.idempotency-window-size} orders the oldest is forgotten, so a flood of orders
 * cannot exhaust the heap. Per instance: a retry that reaches another instance publishes again (the ledger still
 * bills the order once).
 */
@ApplicationScoped
public class Attempts {

    /**
     * One publication of one order, or of a batch (every element shares the batch's attempt). {@code outcome} is
     * null for fire-and-forget: handed over, never heard of again.
     */
    public record Attempt(List<Order> orders, Acks acks, SendStyle send, CompletableFuture<List<Delivery>> outcome) {

        boolean endedWithoutAcknowledgement() {
            return outcome != null && outcome.isCompletedExceptionally();
        }

        DeliveryStatus status(String orderId) {
            int i = indexOf(orderId);
            if (outcome == null) {
                return DeliveryStatus.handedOver(orderId);
            }
            if (!outcome.isDone()) {
                return DeliveryStatus.pending(orderId);
            }
            try {
                return DeliveryStatus.acked(orderId, outcome.getNow(null).get(i));
            } catch (RuntimeException failure) {
                return DeliveryStatus.failed(orderId, failure.getCause() == null ? failure : failure.getCause());
            }
        }

        private int indexOf(String orderId) {
            for (int i = 0; i < orders.size(); i++) {
                if (orders.get(i).orderId().equals(orderId)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(orderId);
        }
    }

    /** The attempt that answers this request, and whether this request must publish it. */
    public record Claim(Attempt attempt, boolean isNew) {
    }

    private final Map<String, Attempt> attempts;

    Attempts(OrderGuaranteesConfig config) {
        int capacity = config.intake().idempotencyWindowSize();
        this.attempts = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Attempt> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The attempt of these orders (one, or a batch's), new unless every one of them belongs to one remembered attempt
     * of the same orders that has not ended without an acknowledgement. A remembered id given for another order, or
     * for another composition of a batch, is a conflict: nothing is published.
     */
    synchronized Claim claim(List<Order> orders, Acks acks, SendStyle send) {
        Attempt known = attempts.get(orders.get(0).orderId());
        for (int i = 0; i < orders.size(); i++) {
            Order order = orders.get(i);
            Attempt remembered = attempts.get(order.orderId());
            String field = orders.size() == 1 ? "orderId" : "[" + i + "].orderId";
            if (remembered != known) {
                throw conflict(field, "'" + order.orderId() + "' was published in another request with other orders");
            }
            if (remembered != null && (remembered.orders().size() != orders.size()
                    || !same(remembered.orders().get(i), order))) {
                throw conflict(field, "'" + order.orderId() + "' was published for another order");
            }
        }
        // A fire-and-forget attempt was never acknowledged: it answers a fire-and-forget repeat, not one that waits.
        boolean answers = known != null && !known.endedWithoutAcknowledgement()
                && (known.outcome() != null || send == SendStyle.FIRE_AND_FORGET);
        if (answers) {
            return new Claim(known, false);
        }
        Attempt attempt = new Attempt(List.copyOf(orders), acks, send,
                send == SendStyle.FIRE_AND_FORGET ? null : new CompletableFuture<>());
        orders.forEach(order -> attempts.put(order.orderId(), attempt));
        return new Claim(attempt, true);
    }

    /**
     * Forgets an attempt that never reached the producer (refused at once, or given up before it was published): its
     * orders were not written.
     */
    synchronized void forget(Attempt attempt) {
        attempt.orders().forEach(order -> attempts.remove(order.orderId(), attempt));
    }

    public synchronized Optional<DeliveryStatus> find(String orderId) {
        return Optional.ofNullable(attempts.get(orderId)).map(attempt -> attempt.status(orderId));
    }

    private static boolean same(Order a, Order b) {
        return a.customerId().equals(b.customerId()) && a.item().equals(b.item())
                && a.quantity().equals(b.quantity()) && a.unitPrice().compareTo(b.unitPrice()) == 0;
    }

    private static ProblemException conflict(String field, String message) {
        return new ProblemException(Problem.Type.ORDER_ID_CONFLICT, field + ": " + message + "; nothing was published",
                List.of(new Problem.FieldError(field, message)), null);
    }
}
