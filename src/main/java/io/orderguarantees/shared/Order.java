package io.orderguarantees.shared;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * An order as it travels on the {@code orders} topic: the record key is {@link #customerId()}, the value
 * this record as JSON. Money is a {@link BigDecimal}, never a floating-point number.
 */
public record Order(
        @Size(max = 128) String orderId,
        @NotBlank @Size(max = 128) String customerId,
        @NotBlank String item,
        @NotNull @Min(1) Integer quantity,
        @NotNull @DecimalMin("0") BigDecimal unitPrice) {

    /** The same order, with a generated {@code orderId} when the client gave none. */
    public Order withIdAssigned() {
        return orderId == null || orderId.isBlank()
                ? new Order(UUID.randomUUID().toString(), customerId, item, quantity, unitPrice)
                : this;
    }
}
