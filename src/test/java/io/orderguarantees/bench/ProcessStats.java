package io.orderguarantees.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** What the operating system says of a process: resident memory from {@code /proc}, CPU time from the JDK. */
final class ProcessStats {

    private ProcessStats() {
    }

    /** {@code VmRSS} (now) or {@code VmHWM} (the peak since the process started) in KiB, or 0 where unknown. */
    static long memoryKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // the process ended, or this is not Linux
        }
        return 0;
    }

    static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Samples a process's resident memory every 100 ms until closed, keeping the largest value seen. */
    static final class RssSampler implements AutoCloseable {

        private final AtomicLong peakKib = new AtomicLong();
        private final Thread thread;

        RssSampler(long pid) {
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakKib.accumulateAndGet(memoryKib(pid, "VmRSS"), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long peakKib() {
            return peakKib.get();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
