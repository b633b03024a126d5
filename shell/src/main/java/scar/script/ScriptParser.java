package scar.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Splits a script into commands and words, like a POSIX shell would for the simple cases scar supports. */
final class ScriptParser {
    private ScriptParser() {
    }

    static List<ScriptLine> parse(String text, Map<String, String> environment) {
        List<ScriptLine> commands = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        StringBuilder pending = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (pending.isEmpty()) {
                start = i + 1;
                if (i == 0 && line.startsWith("#!")) {
                    continue;
                }
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            List<String> words = words(pending.toString(), environment, start);
            pending.setLength(0);
            if (!words.isEmpty()) {
                commands.add(new ScriptLine(start, words));
            }
        }
        if (!pending.isEmpty()) {
            throw new ScriptSyntaxException(start, "the script ends inside a '\\' continuation");
        }
        return commands;
    }

    /** Words of one command: quotes group, '#' starts a comment outside quotes, ${VAR} expands outside single quotes. */
    static List<String> words(String line, Map<String, String> environment, int lineNumber) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '{') {
                int end = line.indexOf('}', i);
                if (end < 0) {
                    throw new ScriptSyntaxException(lineNumber, "unclosed '${' in: " + line.strip());
                }
                word.append(expand(line.substring(i + 2, end), environment, lineNumber));
                inWord = true;
                i = end;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length() && "\"\\$".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '#' && !inWord) {
                break;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ScriptSyntaxException(lineNumber, "unclosed " + quote + " quote in: " + line.strip());
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static String expand(String expression, Map<String, String> environment, int lineNumber) {
        int defaultAt = expression.indexOf(":-");
        String name = defaultAt < 0 ? expression : expression.substring(0, defaultAt);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ScriptSyntaxException(lineNumber, "bad variable name '${" + expression + "}'");
        }
        String value = environment.get(name);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        if (defaultAt >= 0) {
            return expression.substring(defaultAt + 2);
        }
        throw new ScriptSyntaxException(lineNumber, "variable " + name + " is not set; export it or write ${" + name + ":-default}");
    }
}
