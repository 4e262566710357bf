package io.orderguarantees.shared;

import java.math.BigDecimal;

/**
 * The console-producer form of an order, as other clients write it: key = customer, value =
 * {@code item,unitPrice[,quantity]} (quantity 1 when absent). Surrounding quotes, straight or curly, are
 * tolerated because that is how people paste such lines.
 */
public final class OrderText {

    private static final String QUOTES = "\"'\u201C\u201D\u2018\u2019";

    private OrderText() {
    }

    /** Parses the value of a text record; the returned order has no {@code orderId}. */
    public static Order parse(String customerId, String value) {
        String customer = unquote(customerId == null ? "" : customerId);
        if (customer.isEmpty()) {
            throw new IllegalArgumentException("the customer (key) is missing");
        }
        String[] fields = unquote(value).split(",", -1);
        if (fields.length < 2 || fields.length > 3) {
            throw new IllegalArgumentException("expected item,unitPrice[,quantity] but got '" + value + "'");
        }
        String item = unquote(fields[0]);
        if (item.isEmpty()) {
            throw new IllegalArgumentException("the item is missing");
        }
        BigDecimal unitPrice = decimal(unquote(fields[1]));
        int quantity = fields.length == 3 ? quantity(unquote(fields[2])) : 1;
        return new Order(null, customer, item, quantity, unitPrice);
    }

    /** Strips whitespace and one pair of surrounding quotes, straight or curly. */
    public static String unquote(String text) {
        String trimmed = text.strip();
        if (trimmed.length() >= 2 && QUOTES.indexOf(trimmed.charAt(0)) >= 0
                && QUOTES.indexOf(trimmed.charAt(trimmed.length() - 1)) >= 0) {
            trimmed = trimmed.substring(1, trimmed.length() - 1).strip();
        }
        return trimmed;
    }

    private static BigDecimal decimal(String text) {
        try {
            BigDecimal price = new BigDecimal(text);
            if (price.signum() < 0) {
                throw new IllegalArgumentException("unitPrice must be >= 0, got " + text);
            }
            return price;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unitPrice is not a decimal number: '" + text + "'");
        }
    }

    private static int quantity(String text) {
        try {
            int quantity = Integer.parseInt(text);
            if (quantity < 1) {
                throw new IllegalArgumentException("quantity must be >= 1, got " + text);
            }
            return quantity;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("quantity is not a whole number: '" + text + "'");
        }
    }
}
