package io.softcifar.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code softcifar dlq}: what the services dead-lettered and why, and {@code dlq replay ID} to send one record back to
 * the topic it came from (after the cause was fixed). The headers read here are the ones service-common's
 * EventConsumer writes ({@code softcifar-dlq-*}).
 */
@Command(
        name = "dlq",
        description = {
            "List the dead-letter topics' records: id, source topic/partition/offset, kind (poison or "
                    + "retries-exhausted), tries and the reason.",
            "dlq replay ID sends one back to its topic."
        },
        subcommands = DlqCommand.Replay.class)
public final class DlqCommand extends KafkaCommand {

    static final String SUFFIX = ".dlq";
    private static final Pattern ID = Pattern.compile("(.+" + Pattern.quote(SUFFIX) + ")/(\\d+)@(\\d+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Option(names = "--topic", paramLabel = "DLQ_TOPIC")
    String topic;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> topics = topic != null ? List.of(topic) : deadLetterTopics(kafka);
        int n = 0;
        for (ConsumerRecord<String, String> r : readAll(kafka, topics)) {
            if (n++ == 0) {
                out.printf("%-52s %-42s %-17s %5s  %s%n", "ID", "SOURCE", "KIND", "TRIES", "REASON");
            }
            out.printf(
                    "%-52s %-42s %-17s %5s  %s%n",
                    id(r),
                    header(r, "softcifar-dlq-source", "?"),
                    header(r, "softcifar-dlq-kind", "poison"),
                    header(r, "softcifar-dlq-attempts", "1"),
                    header(r, "softcifar-dlq-reason", "(no reason recorded)"));
        }
        if (n == 0) {
            out.println(
                    "No dead letters in " + (topics.isEmpty() ? "any *.dlq topic" : String.join(", ", topics)) + ".");
        }
        out.flush();
    }

    /** {@code softcifar dlq replay ID}. */
    @Command(
            name = "replay",
            description = "Send the dead letter ID (as listed by 'softcifar dlq') back to the topic it came from.")
    static final class Replay extends KafkaCommand {

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public void run() {
            Matcher m = ID.matcher(id);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "ID: expected TOPIC.dlq/PARTITION@OFFSET as 'softcifar dlq' lists" + " it, got '" + id + "'");
            }
            TopicPartition partition = new TopicPartition(m.group(1), Integer.parseInt(m.group(2)));
            long offset = Long.parseLong(m.group(3));
            ConsumerRecord<String, String> dead = readOne(kafka, partition, offset);
            String target = header(
                    dead,
                    "softcifar-dlq-topic",
                    dead.topic().substring(0, dead.topic().length() - SUFFIX.length()));
            ProducerRecord<String, String> again = new ProducerRecord<>(target, dead.key(), dead.value());
            again.headers().add("softcifar-replayed-from", id.getBytes(StandardCharsets.UTF_8));
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() - 1_000);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                var meta = producer.send(again).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "Replayed %s to %s/%d@%d (key %s)%n",
                                id, meta.topic(), meta.partition(), meta.offset(), dead.key());
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException(
                        "cannot publish to " + target + " at " + kafka + ": "
                                + (e.getCause() == null ? e : e.getCause()).getMessage(),
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    static String id(ConsumerRecord<?, ?> r) {
        return r.topic() + "/" + r.partition() + "@" + r.offset();
    }

    static String header(ConsumerRecord<?, ?> r, String name, String otherwise) {
        Header h = r.headers().lastHeader(name);
        return h == null ? otherwise : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<String> deadLetterTopics(String kafka) {
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis());
        try (Admin admin = Admin.create(conf)) {
            return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(t -> t.endsWith(SUFFIX))
                    .sorted()
                    .toList();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot reach Kafka at " + kafka + " (is './softcifar up' running? " + "--kafka sets the address)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static KafkaConsumer<String, String> consumer(String kafka) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /** Every record of the topics, from the beginning to the end offsets of now; no consumer group is used. */
    private static List<ConsumerRecord<String, String>> readAll(String kafka, Collection<String> topics) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        if (topics.isEmpty()) {
            return all;
        }
        try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                consumer.partitionsFor(t, TIMEOUT).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            "reading " + topics + " from " + kafka + " took over " + TIMEOUT.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + kafka + " (is './softcifar up' running?)", e);
        }
        return all;
    }

    private static ConsumerRecord<String, String> readOne(String kafka, TopicPartition partition, long offset) {
        try (KafkaConsumer<String, String> consumer = consumer(kafka)) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return r;
                    }
                    if (r.offset() > offset) {
                        break;
                    }
                }
                if (consumer.position(partition, TIMEOUT) > offset) {
                    break;
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + kafka + " (is './softcifar up' running?)", e);
        }
        throw new IllegalArgumentException(
                "ID: no dead letter at " + partition + "@" + offset + " (list them with 'softcifar dlq')");
    }
}
