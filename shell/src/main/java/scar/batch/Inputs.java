package scar.batch;

import scar.invoke.StorageTrigger;
import scar.storage.ObjectInfo;

import java.util.List;

/**
 * Which objects of a bucket are inputs: those under {@code input/}, except names starting with
 * '.', which editors, rsync and careful writers use for files still being written before they
 * rename them into place.
 */
public final class Inputs {
    private Inputs() {
    }

    public static boolean isInput(ObjectInfo object) {
        return object.key().startsWith(StorageTrigger.INPUT_FOLDER) && !object.name().startsWith(".");
    }

    public static List<ObjectInfo> of(List<ObjectInfo> objects) {
        return objects.stream().filter(Inputs::isInput).toList();
    }
}
