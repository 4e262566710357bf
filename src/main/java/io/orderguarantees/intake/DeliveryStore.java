package io.orderguarantees.intake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderguarantees.OrderGuaranteesConfig;

/**
 * The outcomes of async sends, bounded: past {@code order-guarantees.intake.delivery-store-size} entries the
 * oldest is evicted, so a flood of async orders cannot exhaust the heap.
 */
@ApplicationScoped
public class DeliveryStore {

    private final Map<String, DeliveryStatus> statuses;

    DeliveryStore(OrderGuaranteesConfig config) {
        int capacity = config.intake().deliveryStoreSize();
        this.statuses = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DeliveryStatus> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void put(DeliveryStatus status) {
        statuses.put(status.orderId(), status);
    }

    /** Records a callback's outcome unless the entry was evicted meanwhile: an evicted order stays unknown. */
    synchronized void complete(DeliveryStatus status) {
        statuses.computeIfPresent(status.orderId(), (id, pending) -> status);
    }

    public synchronized Optional<DeliveryStatus> find(String orderId) {
        return Optional.ofNullable(statuses.get(orderId));
    }
}
