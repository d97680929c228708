package dev.leadpipe.leadctl;

import java.io.PrintStream;
import java.io.PrintWriter;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long operation, on stderr: a me.tongfei progress bar when stderr is a terminal, otherwise plain lines
 * ("replay: 120/500 leads (24%)") at most every {@value #LINE_INTERVAL_MILLIS} ms and once at the end, so logs of
 * non-interactive runs stay readable.
 */
interface Progress extends AutoCloseable {
    long LINE_INTERVAL_MILLIS = 2_000;

    void step();

    @Override
    void close();

    static Progress none() {
        return new Progress() {
            @Override
            public void step() {}

            @Override
            public void close() {}
        };
    }

    static Progress bar(String task, long total, PrintStream terminal) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" leads", 1)
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(terminal))
                .build();
        return new Progress() {
            @Override
            public void step() {
                bar.step();
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    static Progress lines(String task, long total, PrintWriter err) {
        return new Progress() {
            private long done;
            private long lastPrinted = System.nanoTime();
            private long lastDone = -1;

            @Override
            public synchronized void step() {
                done++;
                if (System.nanoTime() - lastPrinted >= LINE_INTERVAL_MILLIS * 1_000_000) {
                    print();
                }
            }

            private void print() {
                lastPrinted = System.nanoTime();
                lastDone = done;
                long pct = total == 0 ? 100 : done * 100 / total;
                err.println(task + ": " + done + "/" + total + " leads (" + pct + "%)");
                err.flush();
            }

            @Override
            public synchronized void close() {
                if (lastDone != done) {
                    print();
                }
            }
        };
    }
}
