package io.softcifar.infra.local;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats the log directory of a KRaft node, as {@code kafka-storage.sh format} does: a KRaft broker refuses to start
 * on a directory without {@code meta.properties} (cluster id, node id) and the bootstrap metadata.
 */
final class KRaftStorage {

    private static final Logger LOG = LoggerFactory.getLogger(KRaftStorage.class);

    private KRaftStorage() {}

    static boolean isFormatted(Path logDir) {
        return Files.isRegularFile(logDir.resolve("meta.properties"));
    }

    /**
     * Formats {@code logDir} with a new cluster id unless it is formatted already. A kept data directory is formatted
     * once, on its first start; later starts find its topics and offsets again.
     */
    static void formatIfNeeded(Path configFile, Path logDir) {
        if (isFormatted(logDir)) {
            LOG.debug("Kafka log directory {} is already formatted", logDir);
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(
                    new String[] {"format", "--config", configFile.toString(), "--cluster-id", clusterId}, out);
        } catch (RuntimeException e) {
            throw failure(logDir, InfrastructureException.rootMessage(e) + tail(output), e);
        }
        if (exitCode != 0) {
            throw failure(logDir, "kafka-storage format exited with " + exitCode + tail(output), null);
        }
        LOG.debug("Formatted Kafka log directory {} for cluster {}", logDir, clusterId);
    }

    private static InfrastructureException failure(Path logDir, String problem, Throwable cause) {
        return new InfrastructureException(
                "Could not format the Kafka log directory " + logDir + ": " + problem
                        + ". If it holds data of another broker, delete it or choose another data directory.",
                cause);
    }

    private static String tail(ByteArrayOutputStream output) {
        String text = output.toString(StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : " (output: " + text.replace(System.lineSeparator(), " ") + ")";
    }
}
