package scar.commands;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain left-aligned text table, as {@code docker ps} prints them. */
final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> headers) {
        this.headers = List.copyOf(headers);
    }

    void add(List<String> row) {
        rows.add(List.copyOf(row));
    }

    void print(PrintWriter out) {
        print(out, 0);
    }

    /** Prints the table within {@code maxWidth} columns (0: no limit) by cutting the widest cells, never the first column. */
    void print(PrintWriter out, int maxWidth) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        if (maxWidth > 0) {
            shrink(widths, maxWidth);
        }
        printRow(out, headers, widths);
        for (List<String> row : rows) {
            printRow(out, row, widths);
        }
    }

    private static final int GAP = 3;
    private static final int MIN_CELL = 6;

    private static void shrink(int[] widths, int maxWidth) {
        while (total(widths) > maxWidth) {
            int widest = -1;
            for (int i = 1; i < widths.length; i++) {
                if (widths[i] > MIN_CELL && (widest < 0 || widths[i] > widths[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                return; // as narrow as it gets; the terminal wraps the rest
            }
            widths[widest] = Math.max(MIN_CELL, widths[widest] - (total(widths) - maxWidth));
        }
    }

    private static int total(int[] widths) {
        int sum = GAP * (widths.length - 1);
        for (int width : widths) {
            sum += width;
        }
        return sum;
    }

    private static void printRow(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            if (i > 0 && cell.length() > widths[i]) {
                cell = cell.substring(0, widths[i] - 1) + "~";
            }
            line.append(cell);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(Math.max(0, widths[i] - cell.length()) + GAP));
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
