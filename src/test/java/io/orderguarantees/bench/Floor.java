package io.orderguarantees.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.orderguarantees.testsupport.ChildProcesses;
import io.orderguarantees.testsupport.Ports;

/** {@link FloorServer} in a JVM of its own, with the service's heap limit, until closed. */
final class Floor implements AutoCloseable {

    private final Process process;
    private final int port;

    private Floor(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Floor start(String bootstrapServers, Path log) {
        int port = Ports.free();
        try {
            Files.createDirectories(log.getParent());
            Process process = ChildProcesses.start(new ProcessBuilder(List.of(
                    ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-cp",
                    ChildProcesses.CLASS_PATH, FloorServer.class.getName(), String.valueOf(port), bootstrapServers))
                    .redirectErrorStream(true).redirectOutput(log.toFile()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.readString(log).contains("listening on")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    ChildProcesses.kill(process);
                    throw new IllegalStateException("the floor server did not start: see " + log);
                }
                Thread.sleep(100);
            }
            return new Floor(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        ChildProcesses.kill(process);
    }
}
