package scar.commands;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Turns repeated {@code -e KEY=VALUE} options into a map, rejecting what a shell could not export. */
final class EnvironmentOptions {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvironmentOptions() {
    }

    static Map<String, String> parse(CommandLine commandLine, List<String> pairs) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (equals < 0 || !KEY.matcher(key).matches()) {
                throw new CommandLine.ParameterException(commandLine,
                        "invalid -e '" + pair + "': use KEY=VALUE with KEY made of letters, digits and '_'");
            }
            environment.put(key, pair.substring(equals + 1));
        }
        return environment;
    }
}
