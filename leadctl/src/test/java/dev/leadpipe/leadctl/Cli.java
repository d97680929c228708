package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine;

/** Runs leadctl in-process, as {@code new CommandLine(new Leadctl()).execute(args)}, capturing stdout and stderr. */
final class Cli {
    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : Arrays.asList(err.strip().split("\\R"));
        }

        List<String> outLines() {
            return out.isBlank() ? List.of() : Arrays.asList(out.strip().split("\\R"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {}

    static Run run(String... args) {
        return run(new Leadctl(), args);
    }

    static Run run(Leadctl leadctl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(leadctl);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The same, against the given broker: {@code --bootstrap-servers BOOTSTRAP} followed by {@code args}. */
    static Run on(String bootstrap, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", bootstrap));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }
}
