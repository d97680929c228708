package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as left-aligned columns two spaces apart; null cells print as "-", every cell passes {@link Privacy#safe}. */
final class TextTable {
    private TextTable() {}

    static void print(PrintWriter out, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                row[i] = row[i] == null || row[i].isEmpty() ? "-" : Privacy.safe(row[i]);
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
