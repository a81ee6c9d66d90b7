package io.softcifar.cli.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one service of the stack is started ({@link ServiceWiring} decides it, {@link ServiceProcess} runs it):
 * {@code java <jvmArgs> -jar <jar>} with {@code env}, its output appended to {@code log}; reached by this process
 * at {@code host}, HTTP on {@code port}, health and metrics on {@code managementPort}.
 */
record ServiceLaunch(
        String name,
        String host,
        int port,
        int managementPort,
        Path jar,
        Map<String, String> env,
        List<String> jvmArgs,
        Path log) {

    String url() {
        return "http://" + host + ":" + port;
    }
}
