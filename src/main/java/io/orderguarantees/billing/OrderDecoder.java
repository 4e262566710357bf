package io.orderguarantees.billing;

import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.OrderText;

/**
 * Reads an order record as the intake writes it (JSON) or as other clients do (console-producer text
 * {@code item,unitPrice[,quantity]} keyed by customer). An order without an id gets one derived from its
 * coordinates, so a redelivered record keeps its id. Anything else is a {@link PoisonRecordException}.
 */
@ApplicationScoped
public class OrderDecoder {

    private final ObjectMapper json;
    private final Validator validator;

    OrderDecoder(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    public Order decode(String topic, int partition, long offset, String key, String value) {
        if (value == null || value.isBlank()) {
            throw new PoisonRecordException("empty value");
        }
        Order order = value.strip().startsWith("{") ? fromJson(value) : fromText(key, value);
        if (order.orderId() == null || order.orderId().isBlank()) {
            order = new Order(topic + "-" + partition + "-" + offset, order.customerId(), order.item(),
                    order.quantity(), order.unitPrice());
        }
        var violations = validator.validate(order);
        if (!violations.isEmpty()) {
            throw new PoisonRecordException("invalid order: " + violations.stream()
                    .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().collect(Collectors.joining(", ")));
        }
        return order;
    }

    private Order fromJson(String value) {
        try {
            return json.readValue(value, Order.class);
        } catch (JsonProcessingException e) {
            throw new PoisonRecordException("not an order in JSON: " + e.getOriginalMessage());
        }
    }

    private static Order fromText(String key, String value) {
        try {
            return OrderText.parse(key, value);
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException("neither JSON nor item,unitPrice[,quantity]: " + e.getMessage());
        }
    }
}
