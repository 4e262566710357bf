package io.orderguarantees.testsupport;

import java.time.Duration;

/** Progress lines on the console while a long run (the lab, the benchmark) goes on: a full run takes minutes. */
public final class Progress {

    private final String label;
    private final long start = System.nanoTime();

    public Progress(String label) {
        this.label = label;
    }

    public void say(String format, Object... args) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("[%s %02d:%02d] %s%n", label, elapsed.toMinutes(), elapsed.toSecondsPart(),
                String.format(format, args));
        System.out.flush();
    }
}
