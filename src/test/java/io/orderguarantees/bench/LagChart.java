package io.orderguarantees.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Orders waiting to be billed over time, one line per billing variant (its first run): sampled every 250 ms from
 * outside the service while it bills the pre-filled topic, from the moment it is started (so its start shows), as
 * the orders on the topic minus the invoices written (the ledger: its rows). Written as {@code billing-lag.svg}.
 */
final class LagChart {

    private static final String[] COLOURS = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b" };
    private static final int WIDTH = 760;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int TOP = 40;
    private static final int PLOT_WIDTH = 420;
    private static final int PLOT_HEIGHT = 270;

    private record Point(double seconds, long waiting) {
    }

    private final Map<String, List<Point>> series = new LinkedHashMap<>();

    /** Samples {@code waiting} until the returned handle is closed. */
    AutoCloseable sample(String variant, LongSupplier waiting) {
        List<Point> points = new ArrayList<>();
        series.put(variant, points);
        long start = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            try {
                long value = Math.max(0, waiting.getAsLong());
                synchronized (points) {
                    points.add(new Point((System.nanoTime() - start) / 1e9, value));
                }
            } catch (RuntimeException notYet) {
                // the ledger's schema not created yet, a metadata request timing out: the next sample will do
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        return () -> {
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        };
    }

    void write(Path file, int orders) {
        double maxSeconds = series.values().stream().flatMap(List::stream).mapToDouble(Point::seconds).max()
                .orElse(1);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                .formatted(WIDTH, HEIGHT)).append("font-size=\"12\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">Orders waiting to be billed, from "
                + "the start of each pipeline (%,d on the topic)</text>\n".formatted(orders));
        svg.append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n".formatted(LEFT, TOP + PLOT_HEIGHT,
                LEFT + PLOT_WIDTH, TOP + PLOT_HEIGHT));
        svg.append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n".formatted(LEFT, TOP, LEFT,
                TOP + PLOT_HEIGHT));
        for (int tick = 0; tick <= 4; tick++) {
            int y = TOP + PLOT_HEIGHT - tick * PLOT_HEIGHT / 4;
            svg.append("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%,d</text>\n".formatted(LEFT - 5, y + 4,
                    (long) orders * tick / 4));
            int x = LEFT + tick * PLOT_WIDTH / 4;
            svg.append("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>\n".formatted(x,
                    TOP + PLOT_HEIGHT + 16, maxSeconds * tick / 4));
        }
        int line = 0;
        for (Map.Entry<String, List<Point>> entry : series.entrySet()) {
            String colour = COLOURS[line % COLOURS.length];
            StringBuilder points = new StringBuilder();
            synchronized (entry.getValue()) {
                for (Point p : entry.getValue()) {
                    points.append("%.1f,%.1f ".formatted(LEFT + p.seconds() / maxSeconds * PLOT_WIDTH,
                            TOP + PLOT_HEIGHT - (double) Math.min(p.waiting(), orders) / orders * PLOT_HEIGHT));
                }
            }
            svg.append("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n".formatted(colour,
                    points.toString().trim()));
            int y = TOP + 10 + line * 18;
            svg.append("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n".formatted(
                    LEFT + PLOT_WIDTH + 15, y - 10, colour));
            svg.append("<text x=\"%d\" y=\"%d\">%s</text>\n".formatted(LEFT + PLOT_WIDTH + 32, y,
                    escape(shortName(entry.getKey()))));
            line++;
        }
        svg.append("</svg>\n");
        try {
            Files.writeString(file, svg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shortName(String variant) {
        int colon = variant.indexOf(':');
        String name = variant.startsWith("bare") && colon > 0 ? variant.substring(0, colon) + variant.substring(colon)
                .replaceAll("\\(.*\\)", "") : variant;
        return name.length() > 48 ? name.substring(0, 47) + "…" : name;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
