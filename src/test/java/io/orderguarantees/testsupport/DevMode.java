package io.orderguarantees.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The README's dev command ({@code ./mvnw quarkus:dev}), run as a user runs it: from a copy of the project, with no
 * Kafka configured unless a test says so, and its console kept in a log. Closing it stops Maven, the dev-mode JVM and
 * whatever they started.
 */
public final class DevMode implements AutoCloseable {

    /** "Listening on: http://localhost:8080" (then ". Management interface listening on ..." when there is one). */
    private static final Pattern LISTENING = Pattern.compile("Listening on: (http://[^\\s]+?:\\d+)");
    private static final Pattern FAILED = Pattern.compile(
            "Failed to start|Configuration validation failed|BUILD FAILURE|Error restarting Quarkus");

    private final Process process;
    private final Path log;

    private DevMode(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * The dev command as the README's first shell block gives it, without its comment. Where a Docker engine is
     * reachable, it also switches Dev Services off: that path starts a container these tests cannot look into, and
     * the machines the project is built on have no Docker engine, so there the command runs as written.
     */
    public static List<String> readmeCommand() {
        List<String> command = new ArrayList<>(readmeCommands().get(0));
        if (Files.exists(Path.of("/var/run/docker.sock"))) {
            command.add("-Dquarkus.kafka.devservices.enabled=false");
            command.add("-Dquarkus.datasource.devservices.enabled=false");
            command.add("-Ddev-postgres.url=jdbc:postgresql://localhost:5433/quarkus");
        }
        return command;
    }

    /** The commands of the README's first shell block, each split into words, without their comments. */
    public static List<List<String>> readmeCommands() {
        try {
            String readme = Files.readString(Path.of("README.md"));
            Matcher block = Pattern.compile("(?s)```shell\n(.*?)```").matcher(readme);
            if (!block.find()) {
                throw new IllegalStateException("README.md has no shell block");
            }
            return block.group(1).lines().map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty()).map(line -> List.of(line.split("\\s+"))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the project as a fresh clone has it (no {@code target}, no {@code .git}) into {@code copy}; an existing
     * copy is replaced.
     */
    public static Path cleanCopy(Path copy) {
        Folders.deleteRecursively(copy);
        Path project = Path.of("").toAbsolutePath();
        try (Stream<Path> files = Files.walk(project)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = project.relativize(file);
                String top = relative.getNameCount() == 0 ? "" : relative.getName(0).toString();
                if (top.equals("target") || top.equals(".git")) {
                    continue;
                }
                Path target = copy.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                    target.toFile().setExecutable(file.toFile().canExecute());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /**
     * Starts {@code command} in {@code project}: no Kafka address from this JVM's environment, plus {@code env}.
     * Standard input is empty, as under a CI runner: Quarkus's console asks nothing of it.
     */
    public static DevMode start(Path project, List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().keySet().removeIf(key -> key.startsWith("KAFKA_") || key.startsWith("QUARKUS_"));
            builder.environment().putAll(env);
            return new DevMode(ChildProcesses.start(builder), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until dev mode listens and returns its address, ending with a slash; fails with the log's reason if it cannot start. */
    public String awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String output = log();
            Matcher listening = LISTENING.matcher(output);
            if (listening.find()) {
                return listening.group(1).endsWith("/") ? listening.group(1) : listening.group(1) + "/";
            }
            if (FAILED.matcher(output).find() || !process.isAlive()) {
                throw new AssertionError("dev mode did not come up" + (process.isAlive() ? "" : " (exit "
                        + process.exitValue() + ")") + ": " + reason() + "\n(whole log: " + log + ")");
            }
            Thread.sleep(250);
        }
        throw new AssertionError("dev mode did not listen within " + timeout + ": " + reason() + "\n(log: " + log + ")");
    }

    /** The lines of the log that say why something failed: errors, causes, and the last lines. */
    public String reason() {
        List<String> lines = Arrays.asList(log().split("\n"));
        List<String> reason = new ArrayList<>(lines.stream()
                .filter(l -> l.contains("ERROR") || l.contains("Caused by") || l.contains("SRCFG")
                        || l.contains("Exception:") || l.contains("BUILD FAILURE"))
                .limit(30).toList());
        reason.add("... last lines:");
        reason.addAll(lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        return String.join("\n", reason);
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The processes dev mode started (the dev-mode JVM, the dev Kafka broker), as they are now. */
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** The one descendant whose command line contains {@code text}, if any. */
    public Optional<ProcessHandle> descendant(String text) {
        return process.descendants().filter(p -> p.info().commandLine().orElse("").contains(text)).findFirst();
    }

    /**
     * SIGTERM to Maven, as a terminal's Ctrl-C or a CI runner's cancel; Maven stops the dev-mode JVM, and the dev broker
     * follows the JVM that started it. Returns what was still alive after 30 s, killed then: nothing, if dev mode
     * cleans up after itself.
     */
    public List<ProcessHandle> stop() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        process.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && all.stream().anyMatch(ProcessHandle::isAlive)) {
            Thread.sleep(200);
        }
        List<ProcessHandle> left = all.stream().filter(ProcessHandle::isAlive).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        ChildProcesses.kill(process);
        return left;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
