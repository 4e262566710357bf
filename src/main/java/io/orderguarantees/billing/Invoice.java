package io.orderguarantees.billing;

import java.math.BigDecimal;

import io.orderguarantees.shared.Order;

/**
 * One invoice per processed order, written to the pipeline's own topic. {@code partition}/{@code offset} are the
 * order's coordinates on {@code orders}, so a duplicate shows up as two invoices of one source record.
 */
public record Invoice(String orderId, String customerId, BigDecimal amount, int partition, long offset,
        String pipeline) {

    static Invoice of(Order order, int partition, long offset, Pipeline pipeline) {
        return new Invoice(order.orderId(), order.customerId(),
                order.unitPrice().multiply(BigDecimal.valueOf(order.quantity())), partition, offset, pipeline.id());
    }
}
