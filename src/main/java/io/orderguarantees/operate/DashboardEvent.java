package io.orderguarantees.operate;

import java.math.BigDecimal;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the dashboard page is told as it happens, one JSON object per Server-Sent Event, {@code type} first:
 * {@code connected} (first, at once), {@code delivery} (an order's outcome at the producer), {@code invoice} (a pipeline's invoice acknowledged by the
 * broker), {@code billing} (the audit's totals per pipeline) and {@code pace} (each second: every pipeline's invoices
 * per second and its consumer's lag, for the page's small charts).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DashboardEvent(String type, String orderId, String acks, String send, String status, Integer partition,
        Long offset, String error, String pipeline, BigDecimal amount, List<PipelineTotals> pipelines,
        Integer deadLetters, List<PipelinePace> pace) {

    public record PipelineTotals(String pipeline, long invoices, long distinctOrders, long duplicates) {
    }

    /** Invoices written per second since the last sample, and the records its consumer has yet to read (or null). */
    public record PipelinePace(String pipeline, double perSecond, Long lag) {
    }

    static DashboardEvent connected() {
        return new DashboardEvent("connected", null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    public static DashboardEvent delivery(String orderId, String acks, String send, String status, Integer partition,
            Long offset, String error) {
        return new DashboardEvent("delivery", orderId, acks, send, status, partition, offset, error, null, null, null,
                null, null);
    }

    public static DashboardEvent invoice(String orderId, String pipeline, BigDecimal amount) {
        return new DashboardEvent("invoice", orderId, null, null, null, null, null, null, pipeline, amount, null, null,
                null);
    }

    public static DashboardEvent billing(List<PipelineTotals> pipelines, int deadLetters) {
        return new DashboardEvent("billing", null, null, null, null, null, null, null, null, null, pipelines,
                deadLetters, null);
    }

    static DashboardEvent pace(List<PipelinePace> pace) {
        return new DashboardEvent("pace", null, null, null, null, null, null, null, null, null, null, null, pace);
    }
}
