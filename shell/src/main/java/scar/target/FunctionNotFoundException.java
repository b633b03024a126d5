package scar.target;

public class FunctionNotFoundException extends TargetException {
    public FunctionNotFoundException(String name) {
        super("function '" + name + "' not found; 'ls' lists the functions");
    }
}
