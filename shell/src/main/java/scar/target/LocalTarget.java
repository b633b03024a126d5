package scar.target;

import scar.image.Image;
import scar.image.ImageRef;
import scar.image.ImageStore;
import scar.invoke.FunctionSpec;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;
import scar.invoke.Supervisor;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The embedded default: functions kept on disk, invoked in-process through the shared runtime. */
public final class LocalTarget implements Target {
    private final LocalFunctionRepository functions;
    private final ImageStore images;
    private final Supervisor supervisor;

    public LocalTarget(LocalFunctionRepository functions, ImageStore images, Supervisor supervisor) {
        this.functions = functions;
        this.images = images;
        this.supervisor = supervisor;
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
            if (!Files.isRegularFile(function.imageFile())) {
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
    }

    @Override
    public InvocationResult invoke(String name, InvocationRequest request, Consumer<String> lines) {
        FunctionSpec function = functions.find(name).orElseThrow(() -> new FunctionNotFoundException(name));
        return supervisor.invoke(function, request, lines);
    }
}
