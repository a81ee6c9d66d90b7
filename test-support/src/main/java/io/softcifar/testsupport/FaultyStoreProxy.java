package io.softcifar.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 relay in front of the shared S3 server that answers <em>503 ServiceUnavailable</em>, as an overloaded or
 * half-down object store would, to every request whose path contains {@code marker} (or a fragment named later with
 * {@link #failAlso}), and relays everything else byte for byte (so the AWS V4 signatures, which cover the Host
 * header, stay valid). A service pointed at it works normally except for the keys a test names with the marker: a
 * retryable store failure for one record, and only for it, without stopping the shared server the other tests use.
 *
 * <p>One relay per marker and JVM ({@link #shared}): Quarkus builds the test profile, and so calls {@code shared},
 * in more than one class loader, and the test asks the same relay how many faults it injected. As with
 * {@link TestInfrastructure}, the copy of this class in the system class loader owns the relays and the others ask it.
 *
 * <p>Enough of HTTP/1.1 for the MinIO client: requests with a {@code Content-Length} (or none), responses with a
 * length, chunked, or until the connection closes; HEAD, 204 and 304 without a body; keep-alive.
 */
public final class FaultyStoreProxy {

    private static final Map<String, Map<String, Object>> RELAYS = new ConcurrentHashMap<>();
    private static final String ENDPOINT = "endpoint";
    private static final String FAULTS = "faults";
    private static final String ALSO = "also";

    private final Map<String, Object> state;

    private FaultyStoreProxy(Map<String, Object> state) {
        this.state = state;
    }

    /** The relay for {@code marker} in front of the shared S3 server, started by the first call in this JVM. */
    @SuppressWarnings("unchecked")
    public static FaultyStoreProxy shared(String marker) {
        Class<?> owner = SystemLoaderCopy.of(FaultyStoreProxy.class);
        if (owner == FaultyStoreProxy.class) {
            return new FaultyStoreProxy(sharedState(marker));
        }
        try {
            return new FaultyStoreProxy((Map<String, Object>)
                    owner.getMethod("sharedState", String.class).invoke(null, marker));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach " + owner + " in the system class loader", e);
        }
    }

    /**
     * The relay's endpoint and fault counter, as JDK types only, so that copies of this class in other class loaders
     * can call it reflectively. Not meant for tests: use {@link #shared}.
     */
    public static synchronized Map<String, Object> sharedState(String marker) {
        return RELAYS.computeIfAbsent(
                marker, m -> start(URI.create(TestInfrastructure.get().s3Endpoint()), m));
    }

    /** {@code http://127.0.0.1:PORT}: give it to the service as {@code softcifar.s3.endpoint}. */
    public String endpoint() {
        return (String) state.get(ENDPOINT);
    }

    /**
     * From now on, also fail every request whose path contains {@code fragment} (for a key the test learns only
     * while the service runs, such as a content-addressed dataset id).
     */
    @SuppressWarnings("unchecked")
    public void failAlso(String fragment) {
        ((Set<String>) state.get(ALSO)).add(fragment);
    }

    /** Requests answered with 503 so far. */
    public long faults() {
        return ((AtomicLong) state.get(FAULTS)).get();
    }

    private static Map<String, Object> start(URI upstream, String marker) {
        AtomicLong faults = new AtomicLong();
        Set<String> also = ConcurrentHashMap.newKeySet();
        ServerSocket server;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("FaultyStoreProxy: cannot listen on the loopback address: " + e, e);
        }
        Thread acceptor = new Thread(
                () -> {
                    while (true) {
                        try {
                            Socket client = server.accept();
                            Thread t = new Thread(
                                    () -> relay(client, upstream, marker, also, faults), "faulty-store-relay");
                            t.setDaemon(true);
                            t.start();
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "faulty-store-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        Map<String, Object> state = new ConcurrentHashMap<>();
        state.put(
                ENDPOINT, "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getLocalPort());
        state.put(FAULTS, faults);
        state.put(ALSO, also);
        return state;
    }

    private static void relay(Socket client, URI upstream, String marker, Set<String> also, AtomicLong faults) {
        try (client;
                Socket server = new Socket()) {
            server.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 5_000);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = new BufferedOutputStream(client.getOutputStream());
            InputStream fromServer = new BufferedInputStream(server.getInputStream());
            OutputStream toServer = new BufferedOutputStream(server.getOutputStream());
            while (true) {
                Head request = Head.read(fromClient);
                if (request == null) {
                    return;
                }
                String[] line = request.startLine.split(" ", -1);
                String method = line[0];
                if (request.chunked()) {
                    throw new IOException("chunked request bodies are not relayed");
                }
                long length = Math.max(0, request.contentLength());
                if (line.length > 1
                        && (line[1].contains(marker) || also.stream().anyMatch(line[1]::contains))) {
                    fromClient.skipNBytes(length);
                    faults.incrementAndGet();
                    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ServiceUnavailable</Code>"
                                    + "<Message>injected by FaultyStoreProxy</Message><Resource>" + line[1]
                                    + "</Resource><RequestId>faulty</RequestId></Error>")
                            .getBytes(StandardCharsets.UTF_8);
                    toClient.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\n"
                                    + "Content-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    if (!method.equals("HEAD")) {
                        toClient.write(body);
                    }
                    toClient.flush();
                    continue;
                }
                toServer.write(request.raw);
                copy(fromClient, toServer, length);
                toServer.flush();
                Head response;
                int status;
                do {
                    response = Head.read(fromServer);
                    if (response == null) {
                        return;
                    }
                    toClient.write(response.raw);
                    status = Integer.parseInt(response.startLine.split(" ", -1)[1]);
                } while (status >= 100 && status < 200);
                if (method.equals("HEAD") || status == 204 || status == 304) {
                    // no body
                } else if (response.chunked()) {
                    copyChunked(fromServer, toClient);
                } else if (response.contentLength() >= 0) {
                    copy(fromServer, toClient, response.contentLength());
                } else {
                    fromServer.transferTo(toClient);
                    toClient.flush();
                    return;
                }
                toClient.flush();
                if ("close".equalsIgnoreCase(response.header("connection"))) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a client or the server hung up; the client sees a closed connection, as with any store
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException(left + " bytes short");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = line(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                do { // trailers, then the empty line
                    trailer = line(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            copy(in, out, size + 2); // the chunk and its CRLF
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed mid-line");
            }
            bytes.write(b);
        }
        String s = bytes.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** A request or response head: the start line and headers, kept as received. */
    private static final class Head {
        final String startLine;
        final byte[] raw;
        final Map<String, String> headers;

        private Head(String startLine, byte[] raw, Map<String, String> headers) {
            this.startLine = startLine;
            this.raw = raw;
            this.headers = headers;
        }

        /** The next head, or null when the connection closed before one began. */
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            in.mark(1);
            if (in.read() < 0) {
                return null;
            }
            in.reset();
            String start = line(in);
            raw.write((start + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Map<String, String> headers = new ConcurrentHashMap<>();
            while (true) {
                String header = line(in);
                raw.write((header + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                if (header.isEmpty()) {
                    return new Head(start, raw.toByteArray(), headers);
                }
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(
                            header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).trim());
                }
            }
        }

        String header(String name) {
            return headers.get(name);
        }

        boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        long contentLength() {
            String cl = header("content-length");
            return cl == null ? -1 : Long.parseLong(cl.trim());
        }
    }
}
