package io.orderguarantees.lab;

/**
 * One row of the lab's report.
 *
 * @param setting what the user chooses: producer acks and send style, or a billing pipeline
 * @param fault what was done to the cluster or the service, and when
 * @param sent orders offered (to the service's HTTP API, or to the orders topic for billing rows)
 * @param acknowledged orders the service reported as acknowledged (producer rows), or the broker acknowledged to the
 *        lab's publisher (billing rows)
 * @param lost acknowledged orders missing from the log (producer rows), or without an invoice (billing rows)
 * @param duplicated extra copies: records or invoices beyond the first for one order
 * @param stopped times the pipeline's channel failed and stopped (liveness DOWN) and the lab, acting as a liveness
 *        probe, restarted its instance: billing caught up only thanks to those restarts
 * @param valid whether the fault really happened as designed; an invalid row proves nothing
 * @param note what the run observed, and why a row is invalid
 */
public record LabResult(String scenario, String setting, String fault, int sent, int acknowledged, int lost,
        int duplicated, int stopped, long wallTimeMs, boolean valid, String note) {

    static LabResult invalid(String scenario, String setting, String fault, long wallTimeMs, String why) {
        return new LabResult(scenario, setting, fault, 0, 0, 0, 0, 0, wallTimeMs, false, why);
    }
}
