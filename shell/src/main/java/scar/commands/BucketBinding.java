package scar.commands;

import scar.invoke.StorageTrigger;
import scar.storage.ObjectStorage;

/** {@code init -es BUCKET}: the bucket with its input/ and output/ folders, and the function bound to it. */
final class BucketBinding {
    private final Session session;

    BucketBinding(Session session) {
        this.session = session;
    }

    void bind(String function, String bucket) {
        ObjectStorage storage = session.target().storage();
        storage.createBucket(bucket);
        storage.createFolder(bucket, StorageTrigger.INPUT_FOLDER);
        storage.createFolder(bucket, StorageTrigger.OUTPUT_FOLDER);
        session.target().bind(function, bucket);
        session.context().bucketChanged(bucket);
        int waiting = storage.list(bucket, StorageTrigger.INPUT_FOLDER).size();
        session.console().println("Bucket '" + bucket + "' bound: each file under " + bucket + "/input/ invokes '"
                + function + "'; results go to " + bucket + "/output/.");
        if (waiting > 0) {
            session.console().println(waiting + " file(s) already in " + bucket + "/input/ will run with 'run -es "
                    + bucket + "' or when the shell starts.");
        }
    }
}
