package io.orderguarantees.intake;

import java.util.ArrayList;
import java.util.List;

import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.OrderText;
import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.Problem.FieldError;
import io.orderguarantees.shared.ProblemException;

/** Reads console-producer lines ({@code 1001:Mobile,100}) into orders, all or none. */
final class OrderLines {

    private OrderLines() {
    }

    /** Every line is checked before any order is returned; blank lines are skipped. */
    static List<Order> parse(String body, String separator) {
        if (separator == null || separator.isEmpty()) {
            throw ProblemException.invalid("separator", "must not be empty");
        }
        List<Order> orders = new ArrayList<>();
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
                orders.add(OrderText.parse(line.substring(0, at), line.substring(at + separator.length()))
                        .withIdAssigned());
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
        return orders;
    }
}
