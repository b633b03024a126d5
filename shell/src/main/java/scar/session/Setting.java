package scar.session;

/** One effective setting and where its value came from, as {@code config} shows it. */
public record Setting(String name, String value, Source source) {
    public enum Source {
        DEFAULT("default"), CONFIG_FILE("scar.cfg"), ENVIRONMENT("environment"), COMMAND_LINE("command line");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
