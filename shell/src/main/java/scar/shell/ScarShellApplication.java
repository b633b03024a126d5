package scar.shell;

import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Primary;
import org.springframework.shell.ResultHandlerService;
import org.springframework.shell.Shell;
import org.springframework.shell.command.CommandCatalog;
import org.springframework.shell.command.CommandRegistration;
import org.springframework.shell.context.ShellContext;
import org.springframework.shell.exit.ExitCodeMappings;
import org.springframework.shell.jline.PromptProvider;
import scar.commands.CommandRunner;
import scar.commands.Session;
import scar.completion.GrammarCompleter;
import scar.config.ConfigFolder;

import java.util.HashMap;
import java.util.Map;

/**
 * The interactive shell: Spring Shell hosts the REPL (JLine terminal, history, help, clear, exit),
 * and {@link ScarShell} hands scar's own commands to their picocli grammar.
 */
@SpringBootApplication
public class ScarShellApplication {

    static void start(String[] args) {
        SpringApplication application = new SpringApplication(ScarShellApplication.class);
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.main.banner-mode", "off");
        properties.put("spring.main.lazy-initialization", "true");
        properties.put("logging.level.root", "warn");
        properties.put("logging.level.org.jline", "error");
        properties.put("spring.shell.interactive.enabled", "true");
        properties.put("spring.shell.noninteractive.enabled", "false");
        properties.put("spring.shell.script.enabled", "false");
        properties.put("spring.shell.command.script.enabled", "false");
        properties.put("spring.shell.command.stacktrace.enabled", "false");
        properties.put("spring.shell.command.completion.enabled", "false");
        properties.put("spring.shell.command.version.enabled", "false");
        properties.put("spring.shell.history.name",
                ConfigFolder.fromEnvironment(System.getenv()).history().toString());
        application.setDefaultProperties(properties);
        application.run(args);
    }

    @Bean
    Session session(@Lazy Terminal terminal) {
        var console = new StandardConsole(terminal.writer(), terminal.writer(), true, terminal::getWidth);
        return new SessionFactory(System.getenv()).open(console);
    }

    /**
     * The bucket watcher runs while the shell does: files put into a bound bucket's input/ by any
     * program, and those that arrived while no shell ran, are processed once each.
     */
    @Bean
    @org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
    org.springframework.boot.ApplicationRunner bucketWatcher(Session session,
                                                             org.springframework.beans.factory.ObjectProvider<org.jline.reader.LineReader> reader) {
        // its reports come at any time, so above the prompt rather than over it
        var report = new AbovePrompt(reader::getIfAvailable, session.console()::info);
        return arguments -> new scar.batch.BucketWatcher(session.target(), session.config().effectiveBatchConcurrency(),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), report).start();
    }

    /**
     * The line reader's parser: this one lets TAB escape a completed word with a space (see
     * ShellParser). Spring Shell defines its own unconditionally, as "parser" (a name that may not
     * be overridden): this one is primary, so the line reader takes it and Spring Shell's is never made.
     */
    @Bean
    @Primary
    org.jline.reader.Parser scarParser() {
        return ShellParser.create();
    }

    @Bean
    CommandRunner commandRunner(Session session) {
        return new CommandRunner(session);
    }

    @Bean
    @Primary
    Shell scarShell(ResultHandlerService resultHandlerService, CommandCatalog commandCatalog, Terminal terminal,
                ShellContext shellContext, ExitCodeMappings exitCodeMappings, CommandRunner runner, Session session) {
        var completer = new GrammarCompleter(CommandRunner.grammar().getCommandSpec(), () -> session.context().completion());
        return new ScarShell(resultHandlerService, commandCatalog, terminal, shellContext, exitCodeMappings, runner, completer,
                new ShellExit(session, terminal));
    }

    @Bean
    PromptProvider prompt(Session session) {
        return () -> new AttributedString(session.context().prompt(),
                AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN));
    }

    /**
     * scar's commands are listed to Spring Shell by name only, so that help lists them and TAB
     * completes them; their options and execution belong to the picocli grammar.
     */
    @Bean
    org.springframework.shell.command.CommandResolver scarCommands() {
        return () -> CommandRunner.commandDescriptions().entrySet().stream()
                .map(entry -> CommandRegistration.builder()
                        .command(entry.getKey())
                        .description(entry.getValue())
                        .group("scar")
                        .withTarget().function(context -> Shell.NO_INPUT).and()
                        .build())
                .toList();
    }

    /** Shows the full trace behind the last one-line error, for bug reports. */
    @Bean
    CommandRegistration stacktraceCommand(CommandRunner runner, @Lazy Terminal terminal) {
        return CommandRegistration.builder()
                .command("stacktrace")
                .description("Show the full stack trace of the last error")
                .group("Built-In Commands")
                .withTarget().consumer(context -> {
                    Throwable error = runner.lastError();
                    if (error == null) {
                        terminal.writer().println("No error so far.");
                    } else {
                        error.printStackTrace(terminal.writer());
                    }
                    terminal.writer().flush();
                }).and()
                .build();
    }
}
