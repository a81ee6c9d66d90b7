package io.softcifar.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * What a provenance record should say, found by other routes than the services' own (for the ITs that check the
 * published provenance): the DJL version from the manifest of the jar a DJL class was loaded from, the PyTorch version
 * from the native jar's {@code native/lib/pytorch.properties}, the commit from {@code git rev-parse HEAD}, the CPU
 * model from a {@code grep} of {@code /proc/cpuinfo}.
 */
public final class IndependentProvenance {

    private IndependentProvenance() {}

    /**
     * What the provenance of work done on the CPU in this JVM should say.
     *
     * @param djl     DJL's version ({@link #djlVersionOfJar})
     * @param pytorch PyTorch's version ({@link #pytorchVersionOfNativeJar})
     * @param commit  git HEAD of the project root, empty without .git
     * @param cpu     the CPU model from /proc/cpuinfo, else os.arch
     * @param threads the intra-op threads ml-core's EngineSetup sets: -Dsoftcifar.threads, else the processors
     */
    public record Expected(String djl, String pytorch, Optional<String> commit, String cpu, int threads) {}

    /**
     * The expected provenance of CPU work in a service whose module folder is the working directory.
     *
     * @param djlClass any class of DJL's api jar
     */
    public static Expected expectedOnCpu(Class<?> djlClass) throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath().getParent();
        return new Expected(
                djlVersionOfJar(djlClass),
                pytorchVersionOfNativeJar(),
                gitHead(root),
                cpuModelName().orElse(System.getProperty("os.arch")),
                Integer.getInteger("softcifar.threads", Runtime.getRuntime().availableProcessors()));
    }

    /** {@code Specification-Version} of the manifest of the jar {@code djlClass} was loaded from. */
    public static String djlVersionOfJar(Class<?> djlClass) throws IOException {
        URL url = djlClass.getResource(djlClass.getSimpleName() + ".class");
        if (url == null || !"jar".equals(url.getProtocol())) {
            throw new IllegalStateException(djlClass + " was not loaded from a jar: " + url);
        }
        JarURLConnection connection = (JarURLConnection) url.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            return jar.getManifest().getMainAttributes().getValue("Specification-Version");
        }
    }

    /** The version in the PyTorch native jar's {@code native/lib/pytorch.properties}, build date cut: "2.5.1". */
    public static String pytorchVersionOfNativeJar() throws IOException {
        try (InputStream in =
                Thread.currentThread().getContextClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            if (in == null) {
                throw new IllegalStateException("no native/lib/pytorch.properties on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version");
            int dash = version.indexOf('-');
            return dash < 0 ? version : version.substring(0, dash);
        }
    }

    /** {@code git rev-parse HEAD} in {@code dir}; empty when {@code dir} is no git work tree (a source tarball). */
    public static Optional<String> gitHead(Path dir) throws IOException, InterruptedException {
        if (!Files.exists(dir.resolve(".git"))) {
            return Optional.empty();
        }
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0) {
            throw new IllegalStateException("git rev-parse HEAD in " + dir + " failed: " + out);
        }
        return Optional.of(out);
    }

    /** The value of the first {@code model name} line of /proc/cpuinfo; empty where there is none. */
    public static Optional<String> cpuModelName() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return Optional.empty();
        }
        return Files.readAllLines(cpuinfo).stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst();
    }

    /** SHA-256 of bytes, lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
