package scar.commands;

import scar.session.TargetKey;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --target local|aws}, {@code --profile NAME} and {@code --region NAME} in front of a
 * command ({@code scar --target aws --region eu-west-1 ls}): that one command runs against that
 * target, profile and region; the session's own settings are untouched. Taken off the words
 * before picocli sees them, so every command gets them without declaring them, and only in
 * front of the command name, so a container's ARGS after {@code run NAME} are never mistaken
 * for them.
 */
record GlobalOptions(String target, String profile, String region, List<String> command) {
    static final List<String> NAMES = List.of("--target", "--profile", "--region");

    boolean any() {
        return target != null || profile != null || region != null;
    }

    /** @throws IllegalArgumentException with one line naming the bad option */
    static GlobalOptions parse(List<String> words) {
        String target = null;
        String profile = null;
        String region = null;
        int i = 0;
        while (i < words.size()) {
            String word = words.get(i);
            String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            if (!NAMES.contains(name)) {
                break;
            }
            String value;
            if (word.contains("=")) {
                value = word.substring(word.indexOf('=') + 1);
                i++;
            } else {
                if (i + 1 >= words.size()) {
                    throw new IllegalArgumentException(name + " needs a value, e.g. " + example(name));
                }
                value = words.get(i + 1);
                i += 2;
            }
            switch (name) {
                case "--target" -> {
                    if (!value.equals("local") && !value.equals("aws")) {
                        throw new IllegalArgumentException("unknown target '" + printable(value) + "' in --target: use local or aws");
                    }
                    target = value;
                }
                case "--profile" -> {
                    if (!TargetKey.isSafeName(value)) {
                        throw new IllegalArgumentException("invalid profile '" + printable(value)
                                + "' in --profile: use letters, digits, '-', '_' or '.'");
                    }
                    profile = value;
                }
                default -> {
                    if (!TargetKey.isSafeName(value)) {
                        throw new IllegalArgumentException("invalid region '" + printable(value)
                                + "' in --region: use a region name such as eu-west-1");
                    }
                    region = value;
                }
            }
        }
        return new GlobalOptions(target, profile, region, new ArrayList<>(words.subList(i, words.size())));
    }

    private static String example(String name) {
        return switch (name) {
            case "--target" -> "--target aws";
            case "--profile" -> "--profile dev";
            default -> "--region eu-west-1";
        };
    }

    private static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
