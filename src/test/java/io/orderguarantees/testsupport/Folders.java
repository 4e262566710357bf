package io.orderguarantees.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A run's scratch folders (a cluster's logs and data), removed before a run starts and, for the bench, after it. */
public final class Folders {

    private Folders() {
    }

    public static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes of disk {@code folder} takes, as {@code du -sk} counts them: Kafka preallocates every segment's
     * indexes as sparse 10 MiB files, so the files' lengths add up to gigabytes a cluster does not use.
     */
    public static long diskUsage(Path folder) {
        try {
            Process du = new ProcessBuilder("du", "-sk", folder.toString()).redirectErrorStream(true).start();
            String out = new String(du.getInputStream().readAllBytes()).trim();
            if (du.waitFor() == 0) {
                return Long.parseLong(out.split("\\s+")[0]) * 1024;
            }
            throw new IllegalStateException("du -sk " + folder + ": " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
