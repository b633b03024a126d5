package scar.lambda;


import java.io.IOException;
import java.util.UUID;

/**
 * Runs the handler once outside Lambda, as Lambda would: the event on standard input, the
 * response on standard output, the function's log on standard error. {@code LAMBDA_TASK_ROOT}
 * names the unpacked code zip. Used to check a layer from its unpacked files alone.
 *
 * <pre>LAMBDA_TASK_ROOT=dir java -cp 'layer/java/lib/*' scar.lambda.HandlerMain 300 &lt; event.json</pre>
 */
public final class HandlerMain {
    private HandlerMain() {
    }

    public static void main(String[] args) throws IOException {
        int timeoutSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        String name = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "scar-local");
        var context = new LocalContext(UUID.randomUUID().toString(), "arn:aws:lambda:local:000000000000:function:" + name,
                System.nanoTime() + timeoutSeconds * 1_000_000_000L, message -> {
                    System.err.print(message);
                    System.err.flush();
                });
        new LambdaHandler().handleRequest(System.in, System.out, context);
    }
}
