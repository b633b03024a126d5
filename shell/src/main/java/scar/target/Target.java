package scar.target;

import scar.invoke.FunctionSpec;
import scar.invoke.InvocationRequest;
import scar.invoke.InvocationResult;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where functions live and run. Commands talk only to this, so each works the
 * same on this machine and on AWS.
 */
public interface Target {
    /** Short name shown in the prompt, e.g. {@code local}. */
    String name();

    /** Creates a function; fails if one of that name exists. */
    FunctionSpec create(NewFunction function);

    List<FunctionSpec> list();

    Optional<FunctionSpec> find(String name);

    /** Removes a function and everything kept for it; fails if it does not exist. */
    void remove(String name);

    /** Runs one invocation, passing container output lines to {@code lines} as they come. */
    InvocationResult invoke(String name, InvocationRequest request, Consumer<String> lines);
}
