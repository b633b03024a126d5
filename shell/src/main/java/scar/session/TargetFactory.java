package scar.session;

import scar.target.Target;

/** Builds the target for a key; may throw {@link scar.target.TargetException} when it is not available. */
@FunctionalInterface
public interface TargetFactory {
    Target open(TargetKey key);
}
