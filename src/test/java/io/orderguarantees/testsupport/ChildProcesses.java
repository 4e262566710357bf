package io.orderguarantees.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

/**
 * Every broker and service process the tests and the lab start goes through here, so that none outlives them: a
 * shutdown hook kills what is still running when the JVM ends (normally, on failure, or on Ctrl-C), resuming paused
 * ones first. A JVM killed -9 runs no hook: the pids are also kept in {@code target/child-processes.pids}, and the
 * next run kills whatever of them still runs a broker or the service before it starts anything.
 */
public final class ChildProcesses {

    private static final Path PIDS = Path.of("target", "child-processes.pids");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        sweepLeftovers();
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "kill-child-processes"));
    }

    /**
     * The test's class path without Quarkus's bootstrap runner, for a plain {@code main} in a JVM of its own (a Kafka
     * node, the benchmark's floor server): the runner's log configurator holds every message back until a Quarkus
     * application configures logging, which never happens there.
     */
    public static final String CLASS_PATH = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("quarkus-bootstrap-runner")).collect(Collectors.joining(File.pathSeparator));

    private ChildProcesses() {
    }

    public static Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        LIVE.add(process);
        Files.createDirectories(PIDS.getParent());
        Files.writeString(PIDS, process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return process;
    }

    /** SIGKILL, after SIGCONT: a stopped process would otherwise stay stopped with the kill pending. */
    public static void kill(Process process) {
        if (process.isAlive()) {
            signal("CONT", process.pid());
            process.destroyForcibly();
        }
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    /** Sends a signal with kill(1): the JDK can only send SIGTERM and SIGKILL. */
    public static void signal(String signal, long pid) {
        try {
            int status = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor();
            if (status != 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void killAll() {
        // Dev mode runs Maven, which runs the dev-mode JVM, which runs the dev broker: their descendants go first.
        LIVE.stream().flatMap(Process::descendants).forEach(ProcessHandle::destroyForcibly);
        LIVE.stream().filter(Process::isAlive).forEach(process -> {
            signal("CONT", process.pid());
            process.destroyForcibly();
        });
        LIVE.forEach(ChildProcesses::kill);
    }

    private static void sweepLeftovers() {
        try {
            if (!Files.exists(PIDS)) {
                return;
            }
            List<String> pids = Files.readAllLines(PIDS);
            for (String pid : pids) {
                if (pid.isBlank()) {
                    continue;
                }
                ProcessHandle.of(Long.parseLong(pid.trim())).filter(ChildProcesses::ours).ifPresent(leftover -> {
                    System.out.println("Killing leftover process " + leftover.pid() + " of an earlier run");
                    signal("CONT", leftover.pid());
                    leftover.destroyForcibly();
                });
            }
            Files.delete(PIDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean ours(ProcessHandle process) {
        String commandLine = process.info().commandLine().orElse("");
        return process.isAlive() && (commandLine.contains("kafka.Kafka") || commandLine.contains("quarkus-run.jar")
                || commandLine.contains("quarkus:dev") || commandLine.contains("io.orderguarantees.bench.FloorServer"));
    }
}
