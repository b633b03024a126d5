package scar.target;

import scar.image.Image;
import scar.image.ImageRef;
import scar.image.ImageStore;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.invoke.StagedInvocation;
import scar.invoke.StorageTrigger;
import scar.invoke.Supervisor;
import scar.batch.Ledger;
import scar.storage.LocalObjectStorage;
import scar.storage.ObjectStorage;

import scar.logs.LocalLogSource;
import scar.logs.LocalLogStore;
import scar.logs.LogSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The embedded default: functions kept on disk, invoked in-process through the shared runtime. */
public final class LocalTarget implements Target {
    private final LocalFunctionRepository functions;
    private final ImageStore images;
    private final Supervisor supervisor;
    private final LocalLogStore logs;
    /** How long interrupted background runs get to kill their containers and log their end. */
    private static final long STOP_GRACE_SECONDS = 30;
    private ExecutorService background;
    /** run --async invocations not yet ended, so that the shell can say what it waits for at exit. */
    private final java.util.concurrent.atomic.AtomicInteger runningAsync = new java.util.concurrent.atomic.AtomicInteger();

    private final LocalObjectStorage storage;
    private final LocalBindings bindings;
    private final Path ledgers;
    /** One ledger per function and process, so the watcher and commands share what is in flight. */
    private final Map<String, Ledger> openLedgers = new ConcurrentHashMap<>();

    public LocalTarget(LocalFunctionRepository functions, ImageStore images, Supervisor supervisor) {
        this(functions, images, supervisor, null, null, null, null);
    }

    /**
     * @param storage  buckets under {@code local/buckets}
     * @param bindings folder of function-to-bucket bindings ({@code local/bindings})
     * @param ledgers  folder of per-function ledgers ({@code local/ledgers})
     * @param logs     the store {@code supervisor} writes invocation logs to, or null for none
     */
    public LocalTarget(LocalFunctionRepository functions, ImageStore images, Supervisor supervisor,
                       LocalObjectStorage storage, Path bindings, Path ledgers, LocalLogStore logs) {
        this.functions = functions;
        this.images = images;
        this.supervisor = supervisor;
        this.storage = storage;
        this.bindings = bindings == null ? null : new LocalBindings(bindings);
        this.ledgers = ledgers;
        this.logs = logs;
    }

    @Override
    public ObjectStorage storage() {
        if (storage == null) {
            return Target.super.storage();
        }
        return storage;
    }

    @Override
    public void bind(String function, String bucket) {
        functions.find(function).orElseThrow(() -> new FunctionNotFoundException(function));
        bindings().size(); // fails clearly when buckets are not configured
        this.bindings.bind(function, bucket);
    }

    @Override
    public Map<String, String> bindings() {
        if (bindings == null) {
            return Target.super.bindings();
        }
        return bindings.all();
    }

    @Override
    public StagedInvocation invoke(String name, InvocationRequest request, StorageTrigger trigger, Consumer<String> lines) {
        FunctionSpec function = functions.find(name).orElseThrow(() -> new FunctionNotFoundException(name));
        return supervisor.invoke(function, request, storage(), trigger, lines);
    }

    @Override
    public Ledger ledger(String function) {
        if (ledgers == null) {
            return Target.super.ledger(function);
        }
        if (!FunctionNames.isValid(function)) {
            throw new TargetException(FunctionNames.problem(function));
        }
        return openLedgers.computeIfAbsent(function, f -> {
            Ledger ledger = new Ledger(ledgers.resolve(f + ".jsonl"));
            // A killed shell could not remove the work directories of the runs it had in flight.
            ledger.abandonedRequestIds().forEach(supervisor::removeLeftoverWork);
            return ledger;
        });
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public FunctionSpec create(NewFunction function) {
        // Checked before the pull so a taken name fails at once, not after a download.
        if (functions.find(function.name()).isPresent()) {
            throw new TargetException("function '" + function.name() + "' already exists; remove it first with 'rm -n "
                    + function.name() + "' or choose another name with -n");
        }
        Image image;
        String source;
        if (function.imageFile() != null) {
            if (!Files.exists(function.imageFile())) { // a tarball, or an OCI layout directory
                throw new TargetException("image file " + function.imageFile() + " not found");
            }
            image = images.load(function.imageFile());
            source = function.imageFile().toAbsolutePath().normalize().toString();
        } else {
            ImageRef ref = ImageRef.parse(function.image());
            image = images.pull(ref);
            source = ref.display();
        }
        FunctionSpec spec = new FunctionSpec(function.name(), source, image.id(), function.memoryMb(),
                function.timeoutSeconds(), function.timeoutThresholdSeconds(), function.description(),
                function.environment(), function.initScript());
        functions.create(spec);
        return spec;
    }

    @Override
    public List<FunctionSpec> list() {
        return functions.list();
    }

    @Override
    public Optional<FunctionSpec> find(String name) {
        return functions.find(name);
    }

    @Override
    public void remove(String name) {
        if (!functions.delete(name)) {
            throw new FunctionNotFoundException(name);
        }
        // The bucket and its files stay: they are the user's data, not the function's.
        if (bindings != null) {
            bindings.unbind(name);
        }
        // A new function of the same name starts with a clean record of processed inputs.
        if (ledgers != null) {
            Ledger ledger = openLedgers.remove(name);
            if (ledger != null) {
                ledger.close();
            }
            try {
                Files.deleteIfExists(ledgers.resolve(name + ".jsonl"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (logs != null) {
            logs.delete(name);
        }
    }

    @Override
    public InvocationResult invoke(String name, InvocationRequest request, Consumer<String> lines) {
        FunctionSpec function = functions.find(name).orElseThrow(() -> new FunctionNotFoundException(name));
        return supervisor.invoke(function, request, lines);
    }

    @Override
    public synchronized AsyncInvocation invokeAsync(String name, InvocationRequest request) {
        FunctionSpec function = functions.find(name).orElseThrow(() -> new FunctionNotFoundException(name));
        if (background == null) {
            background = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "scar-async");
                thread.setDaemon(true);
                return thread;
            });
        }
        // Its log is opened here, so that a run whose log cannot be written fails now, in front of
        // the user, rather than in the background where nobody sees it.
        Supervisor.Pending pending = supervisor.start(function, request);
        runningAsync.incrementAndGet();
        CompletableFuture<InvocationResult> result;
        try {
            result = CompletableFuture.supplyAsync(() -> pending.run(line -> { }), background);
        } catch (RuntimeException e) {
            runningAsync.decrementAndGet();
            pending.abandon(e);
            throw e;
        }
        result.whenComplete((done, failure) -> runningAsync.decrementAndGet());
        return new AsyncInvocation(request.requestId(), result);
    }

    @Override
    public int runningInBackground() {
        return runningAsync.get();
    }

    @Override
    public LogSource logs() {
        if (logs == null) {
            return Target.super.logs();
        }
        return new LocalLogSource(logs);
    }

    /**
     * Waits for background invocations; on Ctrl-C they are interrupted, which kills their
     * containers, and are given a moment to do so and to log their end before scar exits. Then
     * lets the ledgers' files go.
     */
    @Override
    public void close() {
        ExecutorService running;
        synchronized (this) {
            running = background;
        }
        if (running != null) {
            running.shutdown();
            try {
                while (!running.awaitTermination(1, TimeUnit.HOURS)) {
                    // An invocation is bounded by its timeout (at most 900 s): keep waiting.
                }
            } catch (InterruptedException e) {
                running.shutdownNow();
                try {
                    running.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException again) {
                    // A second Ctrl-C: stop waiting for them.
                }
                Thread.currentThread().interrupt();
            }
        }
        openLedgers.values().forEach(Ledger::close);
    }
}
