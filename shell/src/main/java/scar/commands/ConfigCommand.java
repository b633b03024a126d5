package scar.commands;

import scar.json.SharedMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scar.session.Setting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Show the effective settings and where each came from (default, scar.cfg, environment, command line).",
        footer = {"", "Examples:", "  config", "  config --json"})
public final class ConfigCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the settings as JSON")
    boolean json;

    private final Session session;

    public ConfigCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        List<Setting> settings = session.context().settings();
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            for (Setting setting : settings) {
                document.put(setting.name(), Map.of("Value", setting.value(), "Source", setting.source().label()));
            }
            session.console().println(SharedMapper.get().writeValueAsString(document));
            return ExitCodes.OK;
        }
        Table table = new Table(List.of("SETTING", "VALUE", "SOURCE"));
        for (Setting setting : settings) {
            table.add(List.of(setting.name(), setting.value(), setting.source().label()));
        }
        table.print(session.console().out(), session.console().width());
        session.console().out().flush();
        return ExitCodes.OK;
    }
}
