package io.orderguarantees.lab;

import java.time.Duration;

/** Progress lines on the console while the lab runs: a full run takes minutes. */
final class Progress {

    private final long start = System.nanoTime();

    void say(String format, Object... args) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("[lab %02d:%02d] %s%n", elapsed.toMinutes(), elapsed.toSecondsPart(),
                String.format(format, args));
        System.out.flush();
    }
}
