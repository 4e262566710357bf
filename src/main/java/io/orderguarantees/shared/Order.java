package io.orderguarantees.shared;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An order as it travels on the {@code orders} topic: the record key is {@link #customerId()}, the value
 * this record as JSON. Money is a {@link BigDecimal}, never a floating-point number. The same limits hold at intake
 * and for records other clients write ({@code billing.OrderDecoder}).
 */
public record Order(
        // Goes into URLs (the async Location) and logs: a letter or digit first, then letters, digits and ._:-
        @Pattern(regexp = ORDER_ID, message = "must be 1 to 128 of A-Z a-z 0-9 . _ : - (starting with a letter or "
                + "digit)") String orderId,
        // No control characters (NUL above all) and no unpaired surrogates (found by FuzzedInputTest).
        @NotBlank @Size(max = 128) @NoControlCharacters String customerId,
        @NotBlank @Size(max = 1024) @NoControlCharacters String item,
        @NotNull @Min(1) @Max(MAX_QUANTITY) Integer quantity,
        // Bounded scale and precision: 1e-100000000 passes a minimum, and every later sum would rescale by 10^10^8.
        @NotNull @DecimalMin("0") @Digits(integer = 12, fraction = 4) BigDecimal unitPrice) {

    public static final String ORDER_ID = "[A-Za-z0-9][A-Za-z0-9._:-]{0,127}";
    public static final long MAX_QUANTITY = 1_000_000;

    /** The same order, with a generated {@code orderId} when the client gave none. */
    public Order withIdAssigned() {
        return orderId == null || orderId.isBlank() ? withId(UUID.randomUUID().toString()) : this;
    }

    public Order withId(String id) {
        return new Order(id, customerId, item, quantity, unitPrice);
    }
}
