package scar.session;

import scar.completion.CompletionCache;
import scar.invoke.FunctionSpec;
import scar.target.Target;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The mutable state of one shell session, in one place: which target/profile/region it talks to,
 * the current function ({@code use NAME}), and the completion cache of each target.
 * Targets are built lazily, once per key, so switching back and forth costs nothing.
 */
public final class SessionContext {
    /** How long cached names are trusted before a TAB refreshes them in the background. */
    static final Duration COMPLETION_TTL = Duration.ofSeconds(30);

    private final TargetFactory factory;
    private final Path completionFolder;
    private final Map<TargetKey, Target> targets = new HashMap<>();
    private final Map<TargetKey, CompletionCache> caches = new HashMap<>();
    private final TargetKey startupKey;
    private final Map<String, Setting> settings = new java.util.LinkedHashMap<>();
    private TargetKey key;
    private String profile;
    private String region;
    private String currentFunction;
    private ExecutorService background;
    private int scriptDepth;

    /**
     * @param completionFolder where completion names are written for bash/zsh, or null to keep them in memory only
     * @param baseSettings     the effective settings at start-up, with their sources; the first ones
     *                         named {@code target}, {@code profile} and {@code region} are kept up to date here
     */
    public SessionContext(TargetFactory factory, TargetKey startupKey, Path completionFolder, List<Setting> baseSettings) {
        this.factory = factory;
        this.startupKey = startupKey;
        this.key = startupKey;
        this.completionFolder = completionFolder;
        baseSettings.forEach(setting -> settings.put(setting.name(), setting));
        this.profile = value("profile", startupKey.profile());
        this.region = value("region", startupKey.region());
    }

    /** A context bound to one ready target, for code that builds a session by hand. */
    public static SessionContext of(Target target) {
        TargetKey key = new TargetKey(target.name(), null, null);
        SessionContext context = new SessionContext(k -> target, key, null, List.of());
        context.targets.put(key, target);
        return context;
    }

    public synchronized Target target() {
        return targets.computeIfAbsent(key, factory::open);
    }

    public synchronized TargetKey key() {
        return key;
    }

    /**
     * Switches the session to another target. The target is built first: if it cannot be, the
     * session stays where it was and the error propagates. The current function is dropped,
     * since it belongs to the old target.
     */
    public synchronized void switchTarget(String target) {
        TargetKey next = target.equals("local") ? TargetKey.local() : new TargetKey(target, profile, region);
        open(next);
        settings.put("target", new Setting("target", target, Setting.Source.COMMAND_LINE));
    }

    /** Sets the AWS profile; applies now on the aws target, and whenever the session switches to it. */
    public synchronized void switchProfile(String newProfile) {
        if (!key.isLocal()) {
            open(new TargetKey(key.target(), newProfile, region));
        }
        profile = newProfile;
        settings.put("profile", new Setting("profile", newProfile, Setting.Source.COMMAND_LINE));
    }

    public synchronized void switchRegion(String newRegion) {
        if (!key.isLocal()) {
            open(new TargetKey(key.target(), profile, newRegion));
        }
        region = newRegion;
        settings.put("region", new Setting("region", newRegion, Setting.Source.COMMAND_LINE));
    }

    /** Undoes a one-command override; never throws. */
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * {@code --target}, {@code --profile}, {@code --region} given on one command: the session talks
     * to that target for that command only (built and cached like any other, so the next
     * override of the same key costs nothing), then returns to its own target and current
     * function. Null arguments keep the session's value.
     */
    public synchronized Restore overrideFor(String target, String newProfile, String newRegion) {
        String chosen = target != null ? target : key.target();
        TargetKey next = chosen.equals("local") ? TargetKey.local()
                : new TargetKey(chosen, newProfile != null ? newProfile : key.isLocal() ? profile : key.profile(),
                        newRegion != null ? newRegion : key.isLocal() ? region : key.region());
        if (next.equals(key)) {
            return () -> { };
        }
        TargetKey before = key;
        String function = currentFunction;
        targets.computeIfAbsent(next, factory::open);
        key = next;
        currentFunction = null;
        return () -> {
            synchronized (SessionContext.this) {
                key = before;
                currentFunction = function;
            }
        };
    }

    private void open(TargetKey next) {
        if (next.equals(key)) {
            return;
        }
        targets.computeIfAbsent(next, factory::open);
        key = next;
        currentFunction = null;
    }

    public synchronized Optional<String> currentFunction() {
        return Optional.ofNullable(currentFunction);
    }

    public synchronized void use(String function) {
        currentFunction = function;
    }

    public synchronized void clearCurrentFunction() {
        currentFunction = null;
    }

    /** Called by commands that create a function, so TAB offers it at once. */
    public void functionCreated(FunctionSpec function) {
        completion().added(function);
    }

    /** Called by commands that remove a function: TAB stops offering it, and it stops being current. */
    public void functionRemoved(String function) {
        synchronized (this) {
            if (function.equals(currentFunction)) {
                currentFunction = null;
            }
        }
        completion().removed(function);
    }

    /** Called by commands that create a bucket or write into one ({@code put}, {@code init -es}). */
    public void bucketChanged(String bucket) {
        completion().bucketChanged(bucket);
    }

    /** Called with a full listing (ls), which is the freshest the cache can be. */
    public void functionsListed(List<FunctionSpec> functions) {
        completion().replaceAll(functions);
    }

    /** The completion cache of the current target. */
    public synchronized CompletionCache completion() {
        TargetKey current = key;
        return caches.computeIfAbsent(current, k -> new CompletionCache(completionFolder, k,
                () -> targetFor(k), this::background, COMPLETION_TTL, k.equals(startupKey)));
    }

    private synchronized Target targetFor(TargetKey k) {
        return targets.computeIfAbsent(k, factory::open);
    }

    /** One daemon thread for background refreshes, started only when a TAB needs it. */
    private synchronized ExecutorService background() {
        if (background == null) {
            background = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "scar-completion-refresh");
                thread.setDaemon(true);
                return thread;
            });
        }
        return background;
    }

    /**
     * Stops the background refresh thread, letting a refresh in progress finish, so that nothing
     * writes into the config folder once the session is over.
     */
    public void close() {
        ExecutorService running;
        synchronized (this) {
            running = background;
            background = null;
        }
        if (running != null) {
            running.shutdown();
            try {
                running.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Closes every target this session built, its own and those of one-command overrides
     * ({@code --target local run --async …} must finish its run before a one-shot scar exits;
     * an aws target lets go of its SDK clients). Each once, best effort; a later command builds
     * them again.
     */
    public void closeTargets() {
        List<Target> built;
        synchronized (this) {
            built = new ArrayList<>(targets.values());
            targets.clear();
        }
        for (Target target : built) {
            try {
                target.close();
            } catch (RuntimeException e) {
                // The session is ending: one target failing to close must not keep the others open.
            }
        }
    }

    /** Invocations started with run --async that still run in this process, on every target the session built. */
    public synchronized int runningInBackground() {
        return targets.values().stream().mapToInt(Target::runningInBackground).sum();
    }

    /** Counts nested {@code script} commands; false (and no change) when {@code max} are already running. */
    public synchronized boolean enterScript(int max) {
        if (scriptDepth >= max) {
            return false;
        }
        scriptDepth++;
        return true;
    }

    public synchronized void leaveScript() {
        scriptDepth--;
    }

    /** What the prompt shows: {@code scar[local]:hello> } or {@code scar[aws:dev/eu-west-1]> }. */
    public synchronized String prompt() {
        return "scar[" + key.display() + "]" + (currentFunction == null ? "" : ":" + currentFunction) + "> ";
    }

    /** The effective settings and where each came from, in a stable order. */
    public synchronized List<Setting> settings() {
        return new ArrayList<>(settings.values());
    }

    private String value(String name, String fallback) {
        Setting setting = settings.get(name);
        return setting == null ? fallback : setting.value();
    }
}
