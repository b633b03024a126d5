package scar.script;

public class ScriptSyntaxException extends RuntimeException {
    private final int line;

    public ScriptSyntaxException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
