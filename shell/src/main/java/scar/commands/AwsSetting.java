package scar.commands;

import picocli.CommandLine;
import scar.session.SessionContext;
import scar.session.Setting;
import scar.session.TargetKey;

import java.util.function.BiConsumer;

/**
 * What {@code profile} and {@code region} do, once: show the setting, or check and set it. The
 * two commands differ only in their words and in which setting they switch, so each is a thin
 * picocli class (its own name, help and TAB values) delegating here.
 */
enum AwsSetting {
    PROFILE("profile", "Profile", SessionContext::switchProfile),
    REGION("region", "Region", SessionContext::switchRegion);

    private final String key;
    private final String label;
    private final BiConsumer<SessionContext, String> switcher;

    AwsSetting(String key, String label, BiConsumer<SessionContext, String> switcher) {
        this.key = key;
        this.label = label;
        this.switcher = switcher;
    }

    /** Sets the value when one is given (it may become part of a path: plain names only), then shows it. */
    int showOrSet(Session session, CommandLine commandLine, String value) {
        SessionContext context = session.context();
        if (value != null) {
            if (!TargetKey.isSafeName(value)) {
                throw new CommandLine.ParameterException(commandLine, "invalid " + key + " '" + value
                        + "': use letters, digits, '-', '_' or '.'");
            }
            switcher.accept(context, value);
        }
        String current = context.settings().stream().filter(s -> s.name().equals(key))
                .map(Setting::value).findFirst().orElse("(none)");
        session.console().println(label + ": " + current + (context.key().isLocal() ? " (used by the aws target)" : ""));
        return ExitCodes.OK;
    }
}
