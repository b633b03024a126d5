package scar.bench;

import scar.commands.CommandRunner;
import scar.commands.Session;
import scar.shell.SessionFactory;
import scar.shell.StandardConsole;
import scar.testing.MotoServer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Layer;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Not a test: the cost of scar's commands on the aws target, against a moto_server started here,
 * per command: the API's own round trip (a bare SDK call), the same command in one scar session,
 * and as a one-shot scar process. Run by scripts/bench/aws-session.
 *
 * <p>args: the scar launcher (scripts/scar: the extracted jar with its class-data archive, as users
 * run it), runs per in-process measurement, runs per one-shot measurement.
 */
public final class AwsSessionBench {
    private static final String RESULT = "{\"LambdaOutput\":{\"RequestId\":\"r\",\"ExitCode\":0,\"TimedOut\":false,"
            + "\"Duration\":1,\"Output\":\"hello\\n\",\"OutputTruncated\":false,\"LogGroup\":\"g\",\"LogStream\":\"s\"}}";

    public static void main(String[] args) throws Exception {
        Path launcher = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        int oneShotRuns = Integer.parseInt(args[2]);
        Path work = Files.createTempDirectory("scar-aws-bench");
        try (MotoServer moto = MotoServer.start(work.resolve("moto"))) {
            LambdaClient lambda = moto.configure(LambdaClient.builder()).build();
            IamClient iam = moto.configure(IamClient.builder()).region(Region.AWS_GLOBAL).build();
            String role = iam.createRole(b -> b.roleName("scar-bench").assumeRolePolicyDocument("{}")).role().arn();
            Path home = Files.createDirectories(work.resolve("home"));
            Files.writeString(home.resolve("scar.cfg"), "[scar]\ntarget = aws\nendpoint_url = " + moto.endpoint()
                    + "\nlambda_role = " + role + "\n");
            Map<String, String> environment = new HashMap<>(MotoServer.CREDENTIALS);
            environment.put("SCAR_CONFIG_FOLDER", home.toString());
            var console = new StandardConsole(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), false);
            Session session = new SessionFactory(environment).open(console);
            CommandRunner shell = new CommandRunner(session);
            check(shell.execute(List.of("init", "-n", "bench", "127.0.0.1:5000/bench:1")), "init");

            // moto's peer workaround (see MotoServer): Invoke answers only in simple mode.
            FunctionConfiguration c = lambda.getFunction(b -> b.functionName("bench")).configuration();
            moto.lambdaDockerMode(false);
            lambda.createFunction(b -> b.functionName("bench").runtime(c.runtime()).handler(c.handler()).role(c.role())
                    .layers(c.layers().stream().map(Layer::arn).toList())
                    .environment(e -> e.variables(c.environment().variables()))
                    .code(code -> code.zipFile(SdkBytes.fromByteArray(zip()))));

            double apiLs = median(runs, () -> lambda.listFunctions(b -> b.maxItems(50)));
            double sessionLs = median(runs, () -> check(shell.execute(List.of("ls")), "ls"));
            // Where the time goes: the AWS target's own list, and a command that calls no AWS at all.
            double targetLs = median(runs, () -> session.target().list());
            double floor = median(runs, () -> check(shell.execute(List.of("target")), "target"));
            double apiRun = median(runs, () -> {
                moto.queueLambdaResult(RESULT);
                lambda.getFunction(b -> b.functionName("bench"));
                lambda.invoke(b -> b.functionName("bench").payload(SdkBytes.fromUtf8String("{}")));
            });
            double sessionRun = median(runs, () -> {
                moto.queueLambdaResult(RESULT);
                check(shell.execute(List.of("run", "bench")), "run");
            });
            // run --async: one Event invocation (Lambda queues it and answers 202 with its request id).
            double apiAsync = median(runs, () -> lambda.invoke(b -> b.functionName("bench")
                    .invocationType(software.amazon.awssdk.services.lambda.model.InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{}"))));
            double sessionAsync = median(runs, () -> check(shell.execute(List.of("run", "--async", "bench")), "run --async"));
            // log: the function's group, seeded as Lambda would write it; the command's calls are FilterLogEvents.
            CloudWatchLogsClient logs = moto.configure(CloudWatchLogsClient.builder()).build();
            logs.createLogGroup(b -> b.logGroupName("/aws/lambda/bench"));
            logs.createLogStream(b -> b.logGroupName("/aws/lambda/bench").logStreamName("2026/11/28/[$LATEST]abc"));
            long now = System.currentTimeMillis();
            logs.putLogEvents(b -> b.logGroupName("/aws/lambda/bench").logStreamName("2026/11/28/[$LATEST]abc")
                    .logEvents(java.util.stream.IntStream.range(0, 20).mapToObj(i -> InputLogEvent.builder()
                            .timestamp(now + i).message("line " + i).build()).toList()));
            double apiLog = median(runs, () -> logs.filterLogEvents(b -> b.logGroupName("/aws/lambda/bench")));
            double sessionLog = median(runs, () -> check(shell.execute(List.of("log", "bench")), "log"));

            // put and get: one small file; the commands check the bucket/object, then transfer it.
            S3Client s3 = moto.configure(S3Client.builder()).forcePathStyle(true).build();
            s3.createBucket(b -> b.bucket("bench-bucket"));
            Path file = Files.writeString(work.resolve("small.txt"), "x".repeat(1024));
            Path into = Files.createDirectories(work.resolve("into"));
            double apiPut = median(runs, () -> {
                s3.headBucket(b -> b.bucket("bench-bucket"));
                s3.putObject(b -> b.bucket("bench-bucket").key("data/small.txt"), RequestBody.fromFile(file));
            });
            double sessionPut = median(runs, () -> check(shell.execute(List.of("put", "-b", "bench-bucket/data", "-p",
                    file.toString())), "put"));
            double apiGet = median(runs, () -> {
                s3.headObject(b -> b.bucket("bench-bucket").key("data/small.txt"));
                s3.getObject(b -> b.bucket("bench-bucket").key("data/small.txt"),
                        software.amazon.awssdk.core.sync.ResponseTransformer.toBytes());
            });
            double sessionGet = median(runs, () -> check(shell.execute(List.of("get", "-b", "bench-bucket/data/small.txt",
                    "-p", into.toString())), "get"));

            Map<String, String> processEnvironment = new HashMap<>(environment);
            double oneShotLs = median(oneShotRuns, () -> process(launcher, processEnvironment, "ls"));
            double oneShotRun = median(oneShotRuns, () -> {
                moto.queueLambdaResult(RESULT);
                process(launcher, processEnvironment, "run", "bench");
            });
            double oneShotAsync = median(oneShotRuns, () -> process(launcher, processEnvironment, "run", "--async", "bench"));
            double oneShotLog = median(oneShotRuns, () -> process(launcher, processEnvironment, "log", "bench"));
            double oneShotPut = median(oneShotRuns, () -> process(launcher, processEnvironment, "put", "-b", "bench-bucket/data",
                    "-p", file.toString()));
            double oneShotGet = median(oneShotRuns, () -> process(launcher, processEnvironment, "get", "-b",
                    "bench-bucket/data/small.txt", "-p", into.toString()));

            System.out.printf("machine: %d cores, load %s%n", java.lang.Runtime.getRuntime().availableProcessors(),
                    Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.printf("%-28s %10s %12s %12s %14s %10s%n", "command (median)", "API (ms)", "session (ms)",
                    "one-shot (ms)", "session-API", "one/sess");
            row("ls (ListFunctions)", apiLs, sessionLs, oneShotLs);
            row("run (GetFunction+Invoke)", apiRun, sessionRun, oneShotRun);
            row("run --async (Invoke Event)", apiAsync, sessionAsync, oneShotAsync);
            row("log (FilterLogEvents)", apiLog, sessionLog, oneShotLog);
            row("put (HeadBucket+PutObject)", apiPut, sessionPut, oneShotPut);
            row("get (HeadObject+GetObject)", apiGet, sessionGet, oneShotGet);
            System.out.printf("AwsTarget.list() alone: %.1f ms; a command calling no AWS ('target') in the session: %.1f ms%n",
                    targetLs, floor);
            System.out.printf("API = a bare SDK client's calls, warm; session = the command in one scar session (%d runs);"
                    + " one-shot = a scar process per command (%d runs)%n", runs, oneShotRuns);
        }
    }

    private static void row(String name, double api, double session, double oneShot) {
        System.out.printf("%-28s %10.1f %12.1f %12.1f %+14.1f %9.1fx%n", name, api, session, oneShot, session - api,
                oneShot / session);
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Median milliseconds of {@code runs} runs, after one warm-up run. */
    private static double median(int runs, Action action) throws Exception {
        action.run();
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            action.run();
            times.add((System.nanoTime() - start) / 1e6);
        }
        times.sort(Double::compare);
        return times.get(times.size() / 2);
    }

    private static void process(Path launcher, Map<String, String> environment, String... words) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(words));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(key -> key.startsWith("AWS_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        check(process.waitFor(), String.join(" ", words));
    }

    private static void check(int exitCode, String what) {
        if (exitCode != 0) {
            throw new IllegalStateException(what + " failed with exit code " + exitCode);
        }
    }

    private static byte[] zip() {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("x.txt"));
            zip.closeEntry();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
