package scar.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        var context = new LocalContext(UUID.randomUUID().toString(), name,
                System.nanoTime() + timeoutSeconds * 1_000_000_000L);
        new LambdaHandler().handleRequest(System.in, System.out, context);
    }

    private record LocalContext(String requestId, String functionName, long deadlineNanos) implements Context {
        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + functionName;
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:local:000000000000:function:" + functionName;
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        }

        @Override
        public int getMemoryLimitInMB() {
            return 128;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.err.print(message);
                    System.err.flush();
                }

                @Override
                public void log(byte[] message) {
                    log(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
