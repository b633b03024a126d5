package scar.target.aws;

import scar.logs.LogEvent;
import scar.logs.LogNotFoundException;
import scar.logs.LogQuery;
import scar.logs.LogSource;
import scar.logs.RequestSlicer;
import scar.target.TargetException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A function's CloudWatch Logs group ({@code /aws/lambda/NAME}), read and followed with
 * FilterLogEvents.
 *
 * <p>{@code --filter} is applied by scar, not sent as a CloudWatch filterPattern: a pattern has
 * its own grammar (terms, {@code ?alternatives}, JSON selectors) that would make the same
 * {@code --filter} mean different things on the two targets, and request slicing needs the
 * START and REPORT lines a pattern would drop. So it is exactly "the line contains TEXT",
 * case-sensitive, as on the local target.
 *
 * <p>Following polls FilterLogEvents (every {@code log_poll_ms}, default 1 s), reading every page
 * of each poll. Events sharing a millisecond may straddle two polls or two pages, so each poll
 * asks again from the newest timestamp seen, inclusive (less {@value #LATE_MS} ms, for lines that
 * reach CloudWatch after newer ones of another stream), and drops the event ids already delivered
 * since then: nothing is lost, nothing shown twice. CloudWatch's live tail
 * (StartLiveTail) pushes events instead, but only over the SDK's asynchronous event-stream
 * client (netty), which scar does not ship; polling works with every endpoint, moto included.
 */
public final class CloudWatchLogSource implements LogSource {
    /** CloudWatch's own page size; tests pass a small one so pagination really happens. */
    static final int DEFAULT_PAGE_LIMIT = 10_000;
    /** Back-off on throttling: doubling from the poll interval, up to this. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(20);
    /**
     * Each poll asks again for this much before the newest event shown: CloudWatch stores events
     * by their own timestamps, and one Lambda instance's lines can arrive a little after another's
     * newer ones. Ids of the events shown in that window are kept, so none shows twice.
     */
    static final long LATE_MS = 2_000;
    /** FilterLogEvents takes at most this many stream names. */
    private static final int MAX_STREAM_NAMES = 100;

    private final CloudWatchLogsClient client;
    private final AwsSettings settings;
    private final Supplier<List<String>> functions;
    private final Duration pollInterval;
    private final int pageLimit;
    private final Clock clock;

    /**
     * @param functions    the functions {@code log} without a name covers
     * @param pollInterval how often follow asks for new events
     */
    public CloudWatchLogSource(CloudWatchLogsClient client, AwsSettings settings, Supplier<List<String>> functions,
                               Duration pollInterval) {
        this(client, settings, functions, pollInterval, DEFAULT_PAGE_LIMIT, Clock.systemUTC());
    }

    CloudWatchLogSource(CloudWatchLogsClient client, AwsSettings settings, Supplier<List<String>> functions,
                        Duration pollInterval, int pageLimit, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.functions = functions;
        this.pollInterval = pollInterval;
        this.pageLimit = pageLimit;
        this.clock = clock;
    }

    static String group(String function) {
        return "/aws/lambda/" + function;
    }

    @Override
    public List<LogEvent> read(LogQuery query) {
        try {
            return readAll(query);
        } catch (AbortedInterrupt e) {
            throw new TargetException("interrupted");
        }
    }

    private List<LogEvent> readAll(LogQuery query) {
        List<LogEvent> events = new ArrayList<>();
        if (query.function() != null) {
            events.addAll(readGroup(query.function(), query, true));
        } else {
            for (String function : functions.get()) {
                events.addAll(readGroup(function, query, false));
            }
            // Each group is in time order; one stable sort keeps each stream's own order.
            events.sort(Comparator.comparingLong(LogEvent::timestamp));
        }
        events = RequestSlicer.sliceFor(query, events);
        return events.stream().filter(keepsText(query)).toList();
    }

    private java.util.function.Predicate<LogEvent> keepsText(LogQuery query) {
        return event -> query.filter() == null || event.message().contains(query.filter());
    }

    private List<LogEvent> readGroup(String function, LogQuery query, boolean named) {
        Streams streams;
        try {
            streams = streams(function, query.stream());
        } catch (ResourceNotFoundException e) {
            if (named) {
                throw new LogNotFoundException("function '" + function + "' has no logs yet: its log group "
                        + group(function) + " appears with its first invocation");
            }
            return List.of();
        }
        List<LogEvent> events = new ArrayList<>();
        String token = null;
        try {
            do {
                FilterLogEventsResponse page = call(request(function, streams,
                        query.since() == null ? null : query.since().toEpochMilli(), token));
                for (FilteredLogEvent event : sorted(page.events())) {
                    if (streams.keeps(event.logStreamName())) {
                        events.add(event(function, event));
                    }
                }
                token = nextToken(page, token);
            } while (token != null);
        } catch (ResourceNotFoundException e) {
            if (named) {
                throw new LogNotFoundException("function '" + function + "' has no logs yet: its log group "
                        + group(function) + " appears with its first invocation");
            }
        }
        return events;
    }

    @Override
    public void follow(LogQuery query, Listener listener) throws InterruptedException {
        if (query.function() == null) {
            throw new TargetException("on the aws target, name the function to follow: log -f NAME");
        }
        String function = query.function();
        // With a time or a request to look back for, history comes first; otherwise only new lines.
        long floor = query.since() != null ? query.since().toEpochMilli()
                : query.requestId() != null ? 0 : clock.millis();
        long newest = floor; // the newest timestamp delivered
        // Delivered event ids with their timestamps, for those at or after newest - LATE_MS.
        Map<String, Long> seen = new HashMap<>();
        Set<String> openStreams = new HashSet<>(); // -ri: streams inside the request's START..REPORT
        Streams streams = null;
        Duration backoff = pollInterval;
        while (true) {
            checkInterrupted();
            boolean throttled = false;
            try {
                if (streams == null) {
                    streams = streams(function, query.stream());
                }
                // One poll asks from one point, page after page; the next from the newest it saw.
                long from = Math.max(floor, newest - LATE_MS);
                String token = null;
                do {
                    FilterLogEventsResponse page = call(request(function, streams, from, token));
                    List<LogEvent> fresh = new ArrayList<>();
                    for (FilteredLogEvent raw : sorted(page.events())) {
                        if (raw.timestamp() < from || !streams.keeps(raw.logStreamName())) {
                            continue;
                        }
                        if (seen.putIfAbsent(raw.eventId(), raw.timestamp()) != null) {
                            continue; // delivered by an earlier poll or page
                        }
                        newest = Math.max(newest, raw.timestamp());
                        LogEvent event = event(function, raw);
                        if (keeps(query, event, openStreams)) {
                            fresh.add(event);
                        }
                    }
                    if (!fresh.isEmpty() && !listener.onEvents(fresh)) {
                        return;
                    }
                    checkInterrupted();
                    token = nextToken(page, token);
                } while (token != null);
                long keepFrom = newest - LATE_MS;
                seen.values().removeIf(timestamp -> timestamp < keepFrom);
                backoff = pollInterval;
            } catch (ResourceNotFoundException | LogNotFoundException e) {
                streams = null; // no log group yet (or no such stream yet): wait quietly for it
            } catch (AbortedInterrupt e) {
                Thread.interrupted(); // reported by the exception instead
                throw new InterruptedException();
            } catch (AwsServiceException e) {
                if (!isThrottling(e)) {
                    throw new TargetException(AwsErrors.describe(settings, "logs:FilterLogEvents", e));
                }
                throttled = true;
            }
            if (throttled) {
                // The poll is asked again from the same `from`: what was not read yet is read then.
                backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
                Thread.sleep(backoff.toMillis());
            } else {
                Thread.sleep(pollInterval.toMillis());
            }
        }
    }

    /** Applies -ri (slicing each stream from START to REPORT, as CloudWatch lines carry no id) and --filter. */
    private static boolean keeps(LogQuery query, LogEvent event, Set<String> openStreams) {
        if (query.requestId() != null) {
            String marked = event.markedRequestId();
            boolean mine = query.requestId().equals(marked);
            if (mine && event.isStart()) {
                openStreams.add(event.stream());
            }
            if (!openStreams.contains(event.stream())) {
                return false;
            }
            if (mine && event.isReport()) {
                openStreams.remove(event.stream());
            }
        }
        return query.filter() == null || event.message().contains(query.filter());
    }

    /**
     * Lambda's START line in either log format: {@code START RequestId: ...} in text, a
     * {@code "type":"platform.start"} record in JSON (LoggingConfig LogFormat=JSON). Either term
     * ({@code ?}) lets CloudWatch send both; {@link LogEvent#isStart} then keeps only real starts.
     */
    static final String START_LINES = "?\"START RequestId\" ?\"platform.start\"";

    /** START lines of the latest invocations, newest first: FilterLogEvents over the last day. */
    @Override
    public List<String> recentRequestIds(String function, int limit) {
        if (function == null) {
            return List.of();
        }
        try {
            List<LogEvent> starts = new ArrayList<>();
            FilterLogEventsResponse page = client.filterLogEvents(b -> b.logGroupName(group(function))
                    .startTime(clock.millis() - Duration.ofDays(1).toMillis()).filterPattern(START_LINES)
                    .interleaved(true)); // oldest first across streams, as AWS always does; moto needs telling
            for (FilteredLogEvent event : page.events()) {
                starts.add(event(function, event));
            }
            java.util.Collections.reverse(starts);
            return starts.stream().filter(LogEvent::isStart).map(LogEvent::markedRequestId).distinct().limit(limit).toList();
        } catch (RuntimeException e) {
            return List.of(); // completion is best effort
        }
    }

    private FilterLogEventsRequest request(String function, Streams streams, Long from, String token) {
        FilterLogEventsRequest.Builder request = FilterLogEventsRequest.builder()
                .logGroupName(group(function))
                .limit(pageLimit)
                .interleaved(true); // always so on AWS today; moto needs to be told
        if (streams.names != null) {
            request.logStreamNames(streams.names);
        }
        if (from != null) {
            request.startTime(from);
        }
        if (token != null) {
            request.nextToken(token);
        }
        return request.build();
    }

    private FilterLogEventsResponse call(FilterLogEventsRequest request) {
        try {
            return client.filterLogEvents(request);
        } catch (AbortedException e) {
            throw new AbortedInterrupt();
        } catch (ResourceNotFoundException e) {
            throw e;
        } catch (AwsServiceException e) {
            if (isThrottling(e)) {
                throw e;
            }
            throw new TargetException(AwsErrors.describe(settings, "logs:FilterLogEvents", e));
        } catch (SdkClientException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new AbortedInterrupt();
            }
            throw new TargetException(AwsErrors.describeClient(settings, "logs:FilterLogEvents", e));
        }
    }

    /** The SDK turns an interrupt during a call into AbortedException; follow turns it back. */
    private static final class AbortedInterrupt extends RuntimeException {
        AbortedInterrupt() {
            super(null, null, false, false);
            Thread.currentThread().interrupt();
        }
    }

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /** Which streams a query reads: all (names null), or those whose name starts with -ls. */
    private record Streams(String prefix, List<String> names) {
        boolean keeps(String stream) {
            return prefix == null || stream.startsWith(prefix);
        }
    }

    /**
     * -ls STREAM takes a full name or its start ({@code 2026/11/27}), like the local target. The
     * names are looked up with DescribeLogStreams and sent to FilterLogEvents (at most 100; past
     * that, scar filters by the prefix itself).
     */
    private Streams streams(String function, String prefix) {
        if (prefix == null) {
            return new Streams(null, null);
        }
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = describe(() -> client.describeLogStreams(b -> b.logGroupName(group(function))
                    .logStreamNamePrefix(prefix).nextToken(next)));
            page.logStreams().stream().map(LogStream::logStreamName).forEach(names::add);
            token = page.nextToken() == null || page.nextToken().equals(next) ? null : page.nextToken();
        } while (token != null && names.size() <= MAX_STREAM_NAMES);
        if (names.isEmpty()) {
            throw noStream(function, prefix);
        }
        return new Streams(prefix, names.size() > MAX_STREAM_NAMES ? null : List.copyOf(names));
    }

    /** One DescribeLogStreams call: a missing group stays ResourceNotFoundException, other errors become one line. */
    private <T> T describe(Supplier<T> call) {
        try {
            return call.get();
        } catch (ResourceNotFoundException e) {
            throw e;
        } catch (AbortedException e) {
            throw new AbortedInterrupt();
        } catch (AwsServiceException e) {
            throw new TargetException(AwsErrors.describe(settings, "logs:DescribeLogStreams", e));
        } catch (SdkClientException e) {
            throw new TargetException(AwsErrors.describeClient(settings, "logs:DescribeLogStreams", e));
        }
    }

    private static LogNotFoundException noStream(String function, String prefix) {
        return new LogNotFoundException("function '" + function + "' has no log stream '" + prefix
                + "'; 'log " + function + "' shows every stream");
    }

    private static LogEvent event(String function, FilteredLogEvent event) {
        String message = event.message() == null ? "" : event.message();
        // Lambda ends each message with a newline; a line is shown without it.
        while (message.endsWith("\n") || message.endsWith("\r")) {
            message = message.substring(0, message.length() - 1);
        }
        return new LogEvent(event.eventId(), function, event.logStreamName(), event.timestamp(), null, message);
    }

    /** FilterLogEvents interleaves streams by time; sorting stably also covers a peer that does not. */
    private static List<FilteredLogEvent> sorted(List<FilteredLogEvent> events) {
        List<FilteredLogEvent> copy = new ArrayList<>(events);
        copy.sort(Comparator.comparingLong(FilteredLogEvent::timestamp));
        return copy;
    }

    /** Null at the end; a token that repeats the one just sent also ends (CloudWatch can do so at the end). */
    private static String nextToken(FilterLogEventsResponse page, String sent) {
        String next = page.nextToken();
        return next == null || next.isEmpty() || next.equals(sent) ? null : next;
    }

    static boolean isThrottling(AwsServiceException e) {
        String code = AwsErrors.code(e).toLowerCase(Locale.ROOT);
        return e.isThrottlingException() || code.contains("throttl") || code.equals("limitexceededexception")
                || e.statusCode() == 429;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
