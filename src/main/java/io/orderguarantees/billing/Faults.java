package io.orderguarantees.billing;

import io.smallrye.mutiny.Uni;

/**
 * Where the billing pipelines let the lab break them: crash points, transient failures, a stalled record. The jar users
 * ship has {@link NoFaults}, which does nothing and refuses a faults setting at start; only the lab build
 * ({@link #LAB_BUILD}) has {@link InjectedFaults}.
 */
public interface Faults {

    /**
     * The build-time switch of the lab build (dev mode, {@code @QuarkusTest}, the integration tests' second build):
     * fault injection and {@code /bench}. No runtime setting turns them on in any other build.
     */
    String LAB_BUILD = "lab-build";

    /** The exit status of a halted process, as after SIGKILL, so that a harness can tell the crash happened. */
    int EXIT_STATUS = 137;

    /** Halts the process if this is the armed crash point of the pipeline and its Nth record got here. */
    void crashAt(Pipeline pipeline, CrashPoint point);

    /** Throws a transient failure for each order's first {@code failing-attempts} billing attempts. */
    void attempt(Pipeline pipeline, String orderId);

    /** Completes at once, except for the record chosen to stall: later, or never. */
    Uni<Void> stall(Pipeline pipeline);
}
