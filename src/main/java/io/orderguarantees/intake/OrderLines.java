package io.orderguarantees.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.OrderText;
import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.Problem.FieldError;
import io.orderguarantees.shared.ProblemException;

/** Reads console-producer lines ({@code 1001:Mobile,100}) into orders, all or none. */
final class OrderLines {

    /** An order and the number of the body's line it came from (blank lines count). */
    record Line(int number, Order order) {
    }

    /** Order lines one request may carry: each is published and waited for, and remembered by the window. */
    public static final int MAX_LINES = 1000;

    private OrderLines() {
    }

    /**
     * Every line is checked before any order is returned; blank lines are skipped. With a request key, line N is order
     * {@code <key>-N}: the same ids on every retry of the request.
     */
    static List<Line> parse(String body, String separator, Optional<String> key) {
        if (separator == null || separator.isEmpty()) {
            throw ProblemException.invalid("separator", "must not be empty");
        }
        List<Line> orders = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        String[] lines = body == null ? new String[0] : body.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = OrderText.unquote(lines[i]);
            if (line.isEmpty()) {
                continue;
            }
            int at = line.indexOf(separator);
            try {
                if (at < 0) {
                    throw new IllegalArgumentException("no '" + separator + "' between customer and order");
                }
                orders.add(new Line(i + 1, OrderText.parse(line.substring(0, at), line.substring(at + separator.length()))
                        .withId(key.isPresent() ? OrderIds.derived(key.get(), i + 1) : UUID.randomUUID().toString())));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("line " + (i + 1), e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.Type.INVALID_INPUT,
                    errors.get(0).field() + ": " + errors.get(0).message() + " (nothing was published)", errors, null);
        }
        if (orders.isEmpty()) {
            throw ProblemException.invalid("body", "no order lines");
        }
        if (orders.size() > MAX_LINES) {
            throw ProblemException.invalid("body", orders.size() + " order lines, over the limit of " + MAX_LINES
                    + " a request (nothing was published)");
        }
        return orders;
    }
}
