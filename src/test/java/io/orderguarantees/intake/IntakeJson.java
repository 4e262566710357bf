package io.orderguarantees.intake;

/** Order bodies as a client writes them. */
final class IntakeJson {

    private IntakeJson() {
    }

    static String order(String customer, String item, int quantity, String unitPrice) {
        return "{\"customerId\":\"" + customer + "\",\"item\":\"" + item + "\",\"quantity\":" + quantity
                + ",\"unitPrice\":" + unitPrice + "}";
    }
}
