package io.softcifar.cli;

import picocli.CommandLine.Option;

/** {@code --no-peer} and {@code --python}: whether and with which python a bench command runs its PyTorch peer. */
final class PeerOptions {

    @Option(names = "--no-peer")
    boolean noPeer;

    @Option(names = "--python")
    String python;

    /** {@code --python}, or {@link PeerScript#defaultPython()} without it. */
    String python() {
        return python == null ? PeerScript.defaultPython() : python;
    }

    /** Why the peer is not measured before any run: "not run (--no-peer)" with {@code --no-peer}, else null. */
    String initialError() {
        return noPeer ? "not run (--no-peer)" : null;
    }
}
