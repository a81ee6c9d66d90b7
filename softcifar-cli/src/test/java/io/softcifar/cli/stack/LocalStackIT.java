package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.softcifar.cli.CliRunner;
import io.softcifar.ml.data.SyntheticData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code softcifar up} for real: the in-process broker and S3 server, the dataset-service as a child JVM (its Quarkus
 * build from this reactor), {@code softcifar dataset import} against it, a kill -9 of the child and the supervisor's
 * restart, and a clean stop.
 */
class LocalStackIT {

    @TempDir
    Path tmp;

    @Test
    void upRunsTheDatasetServiceImportsThroughItAndRestartsItWhenItDies() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path jar = root.resolve("dataset-service/target/quarkus-app/quarkus-run.jar");
        io.softcifar.testsupport.Required.present(Files.isRegularFile(jar), "needs " + jar + ": run ./mvnw verify");

        int port = TestStacks.freeServicePort();
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log, true);
        try (LocalStack stack = TestStacks.startOnLoopback(
                root,
                tmp.resolve("home"),
                List.of(new LocalStack.ServiceDef("dataset", "dataset-service", port)),
                List.of(tmp.resolve("data")),
                out)) {
            assertThat(stack.urls()).containsEntry("dataset-service", "http://localhost:" + port);
            // --bind defaults to loopback: the service answers on 127.0.0.1 and refuses this machine's other addresses
            assertThat(reachable("127.0.0.1", port)).isTrue();
            List<java.net.InetAddress> others = otherAddresses();
            io.softcifar.testsupport.Required.present(!others.isEmpty(), "needs a non-loopback IPv4 address");
            for (java.net.InetAddress other : others) {
                assertThat(reachable(other.getHostAddress(), port))
                        .as("port %d on %s", port, other)
                        .isFalse();
            }

            // the stack's token: private, and the child refuses a request with another one (401, named)
            Path token = tmp.resolve("home").resolve("api-token");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(token)))
                    .isEqualTo("rw-------");
            Path wrong = Files.writeString(tmp.resolve("wrong-token"), "not-the-token");
            CliRunner.Result unauthorized = CliRunner.run(
                    "dataset",
                    "import",
                    "--data",
                    tmp.toString(),
                    "--url",
                    "http://localhost:" + port,
                    "--token-file",
                    wrong.toString());
            assertThat(unauthorized.exitCode()).isEqualTo(1);
            assertThat(unauthorized.err())
                    .contains("dataset-service: unauthorized; Authorization: the bearer token is"
                            + " not valid (the CLI sends the token of --token-file");
            // health on the management port (HTTP port + 1000) without any credential
            assertThat(java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                                    + LocalStack.managementPort(port) + "/q/health/ready"))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);

            Path data = SyntheticData.writeCifar10hFolder(Files.createDirectories(tmp.resolve("data")), 200, 7);
            // a folder outside every --import-root: refused with the flag to use
            Path outside = SyntheticData.writeCifar10hFolder(Files.createDirectories(tmp.resolve("elsewhere")), 40, 8);
            CliRunner.Result refused = CliRunner.run(
                    "dataset", "import", "--data", outside.toString(), "--url", "http://localhost:" + port);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("sources.dir: " + outside.toAbsolutePath().normalize()
                            + " is not a folder under an import root of this service")
                    .contains("--import-root DIR");
            CliRunner.Result imported =
                    CliRunner.run("dataset", "import", "--data", data.toString(), "--url", "http://localhost:" + port);
            assertThat(imported.exitCode()).as(imported.err()).isZero();
            assertThat(imported.out())
                    .contains("READY")
                    .contains("images 200")
                    .contains("train 160, validation 10, test 30");

            // kill -9 the service: the supervisor restarts it and the dataset is still there (it lives in the bucket)
            // the child this test started through the stack, by its id (never by name or jar path)
            ProcessHandle child = ProcessHandle.of(stack.servicePids().get(0)).orElseThrow();
            child.destroyForcibly();
            AtomicReference<CliRunner.Result> last = new AtomicReference<>();
            await().alias("the restarted dataset-service imports again")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        if (!log.toString().contains("restarting")) {
                            return false;
                        }
                        last.set(CliRunner.run(
                                "dataset", "import", "--data", data.toString(), "--url", "http://localhost:" + port));
                        return last.get().exitCode() == 0;
                    });
            CliRunner.Result again = last.get();
            assertThat(log.toString()).contains("dataset-service exited with code 137; restarting");
            assertThat(again).isNotNull();
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out()).contains(imported.out().lines().findFirst().orElseThrow()); // same id, READY
        }
        assertThat(ProcessHandle.current()
                        .descendants()
                        .anyMatch(p -> p.info().commandLine().orElse("").contains(jar.toString())))
                .isFalse();
    }

    @Test
    void importWithoutARunningStackSaysHowToStartIt() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("empty"));
        CliRunner.Result r = CliRunner.run(
                "dataset", "import", "--data", data.toString(), "--url", "http://localhost:" + TestStacks.freePort());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("softcifar: cannot reach the dataset-service")
                .contains("./softcifar up");
    }

    @Test
    void upOnAPortInUseIsOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRunner.Result r = CliRunner.run(
                    "up",
                    "--home",
                    tmp.resolve("home").toString(),
                    "--kafka-port",
                    Integer.toString(taken.getLocalPort()),
                    "--services",
                    "dataset");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err())
                    .startsWith(
                            "softcifar: Kafka broker port 127.0.0.1:" + taken.getLocalPort() + " is already in use");
        }
    }

    @Test
    void upWithAServicesManagementPortInUseIsOneLineNamingItAndStartsNothing() throws Exception {
        int http = TestStacks.freeServicePort();
        int management = http + 1000; // the services' management port (docs/operations.md), written out here
        int offset = http - 8081; // the dataset-service's HTTP port is 8081 + --port-offset
        Path home = tmp.resolve("home-taken");
        try (ServerSocket taken = new ServerSocket(management, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRunner.Result r = CliRunner.run(
                    "up",
                    "--home",
                    home.toString(),
                    "--kafka-port",
                    Integer.toString(TestStacks.freePort()),
                    "--s3-port",
                    Integer.toString(TestStacks.freePort()),
                    "--port-offset",
                    Integer.toString(offset),
                    "--services",
                    "dataset");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err())
                    .startsWith("softcifar: dataset-service management port (its HTTP port + 1000) 127.0.0.1:"
                            + management + " is already in use");
        }
        assertThat(home.resolve("kafka")).doesNotExist(); // nothing started: no broker data, no service log
        assertThat(home.resolve("logs/dataset-service.log")).doesNotExist();
    }

    private static boolean reachable(String host, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 2_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** This machine's IPv4 addresses other than loopback (e.g. eth0's). */
    private static List<java.net.InetAddress> otherAddresses() throws java.net.SocketException {
        return java.net.NetworkInterface.networkInterfaces()
                .filter(n -> {
                    try {
                        return n.isUp() && !n.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .flatMap(java.net.NetworkInterface::inetAddresses)
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                .toList();
    }
}
