package io.orderguarantees.testsupport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.orderguarantees.billing.Invoice;
import io.restassured.common.mapper.TypeRef;
import io.restassured.http.ContentType;

/** The audit API as a test reads it. */
public final class BillingApi {

    private BillingApi() {
    }

    /** Places one order through the intake (sync, acks=all) for a new customer, and returns that customer. */
    public static String placeOrder(String item, int quantity, String unitPrice) {
        String customer = "c-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"customerId\":\"" + customer + "\",\"item\":\"" + item
                + "\",\"quantity\":" + quantity + ",\"unitPrice\":" + unitPrice + "}")
                .post("/orders").then().statusCode(201);
        return customer;
    }

    public static List<Invoice> invoices(String pipeline, String customerId) {
        return given().queryParam("customerId", customerId).get("/billing/{p}/invoices", pipeline).then()
                .statusCode(200).extract().as(new TypeRef<List<Invoice>>() {
                });
    }

    /** The customer's invoices once there are at least {@code count}, within 30 s. */
    public static List<Invoice> awaitInvoices(String pipeline, String customerId, int count) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> invoices(pipeline, customerId), found -> found.size() >= count);
    }
}
