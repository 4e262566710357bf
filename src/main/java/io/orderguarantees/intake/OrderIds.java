package io.orderguarantees.intake;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.ProblemException;

/**
 * Where an order's id comes from: the body's {@code orderId}, or the {@code Idempotency-Key} request header (IETF
 * httpapi draft: a structured-field string, {@code "..."}; a bare token is accepted too), or, with neither, a new
 * UUID. The id is the idempotency key end to end: a retry with the same id is never billed twice by the ledger.
 * Given both, they must be equal: neither silently wins over the other.
 */
final class OrderIds {

    static final String HEADER = "Idempotency-Key";
    private static final Pattern VALID = Pattern.compile(Order.ORDER_ID);

    private OrderIds() {
    }

    /** The header's key, unquoted, or empty without one; a key that cannot be an order id is a 400. */
    static Optional<String> key(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String key = header.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (!VALID.matcher(key).matches()) {
            throw ProblemException.invalid(HEADER, "must be 1 to 128 of A-Z a-z 0-9 . _ : - (starting with a letter "
                    + "or digit), optionally in double quotes: it becomes the orderId");
        }
        return Optional.of(key);
    }

    /** The order with its id: the body's, else the key, else a new one. */
    static Order assign(Order body, Optional<String> key) {
        if (body.orderId() != null && key.isPresent() && !body.orderId().equals(key.get())) {
            throw ProblemException.invalid(HEADER, "differs from the body's orderId '" + body.orderId() + "': send "
                    + "one of them, or the same id in both");
        }
        String id = body.orderId() != null ? body.orderId() : key.orElseGet(() -> UUID.randomUUID().toString());
        return body.orderId() != null ? body : body.withId(id);
    }

    /** The id of line or element {@code n} of a request with this key: the same on every retry of that request. */
    static String derived(String key, int n) {
        String id = key + "-" + n;
        if (!VALID.matcher(id).matches()) {
            throw ProblemException.invalid(HEADER, "too long to name this request's orders: '" + id + "' would exceed "
                    + "128 characters");
        }
        return id;
    }
}
