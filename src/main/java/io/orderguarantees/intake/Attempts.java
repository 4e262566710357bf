package io.orderguarantees.intake;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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
    public record Attempt(List<Order> orders, Acks acks, SendStyle send, boolean transactional,
            CompletableFuture<List<Delivery>> outcome) {

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
    private final int capacity;

    @Inject
    Attempts(OrderGuaranteesConfig config) {
        this(config.intake().idempotencyWindowSize());
    }

    Attempts(int capacity) {
        this.capacity = capacity;
        this.attempts = new LinkedHashMap<>();
    }

    /**
     * The attempt of these orders (one, or a batch's), new unless every one of them belongs to one remembered attempt
     * of the same orders that has not ended without an acknowledgement. A remembered id given for another order, or
     * for another composition of a batch, is a conflict: nothing is published.
     */
    synchronized Claim claim(List<Order> orders, Acks acks, SendStyle send, boolean transactional) {
        Attempt known = attempts.get(orders.get(0).orderId());
        if (known != null && known.transactional() != transactional) {
            String field = orders.size() == 1 ? "orderId" : "[0].orderId";
            throw conflict(field, "'" + orders.get(0).orderId() + "' was published " + (transactional
                    ? "on its own, not in a batch" : "in a batch, not on its own"));
        }
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
        Attempt attempt = new Attempt(List.copyOf(orders), acks, send, transactional,
                send == SendStyle.FIRE_AND_FORGET ? null : new CompletableFuture<>());
        orders.forEach(order -> attempts.put(order.orderId(), attempt));
        trim();
        return new Claim(attempt, true);
    }

    /**
     * Past the window's size, forgets the oldest settled attempts, each as a whole (every order of a batch), and
     * never one still open: a retry of it must wait for it, not publish it a second time. Open attempts are bounded by
     * the producers' in-flight and buffer limits and the batch queue, so the window outgrows its size by at most
     * those.
     */
    private void trim() {
        List<Attempt> forget = new ArrayList<>();
        int excess = attempts.size() - capacity;
        for (Iterator<Attempt> oldest = attempts.values().iterator(); excess > 0 && oldest.hasNext();) {
            Attempt attempt = oldest.next();
            if ((attempt.outcome() == null || attempt.outcome().isDone()) && !forget.contains(attempt)) {
                forget.add(attempt);
                excess -= attempt.orders().size();
            }
        }
        forget.forEach(attempt -> attempt.orders().forEach(order -> attempts.remove(order.orderId(), attempt)));
    }

    /**
     * Forgets an attempt that never reached the producer (refused at once): its orders were not written. A request
     * that joined it meanwhile gets the same refusal instead of waiting for an outcome that will never come.
     */
    synchronized void forget(Attempt attempt, RuntimeException refusal) {
        attempt.orders().forEach(order -> attempts.remove(order.orderId(), attempt));
        if (attempt.outcome() != null) {
            attempt.outcome().completeExceptionally(refusal);
        }
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
