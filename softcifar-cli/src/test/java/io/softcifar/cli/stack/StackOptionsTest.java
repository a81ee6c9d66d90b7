package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --import-root} of {@code up}/{@code demo}: repeatable, checked, demo's {@code --data} added, passed on. */
class StackOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void importRootsAreRepeatableAbsoluteAndDemoAddsItsData() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--import-root", a.toString(), "--import-root", b + "/../b");
        assertThat(up.stackOptions.importRoots(List.of())).containsExactly(a, b);

        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--data", a.toString(), "--import-root", b.toString());
        assertThat(demo.stackOptions.importRoots(List.of(demo.data))).containsExactly(b, a);

        UpCommand none = new UpCommand();
        new CommandLine(none).parseArgs();
        assertThat(none.stackOptions.importRoots(List.of())).isEmpty();
    }

    @Test
    void anImportRootThatIsNotAFolderIsNamed() {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--import-root", tmp.resolve("missing").toString());
        assertThatThrownBy(() -> up.stackOptions.importRoots(List.of()))
                .hasMessage("--import-root: " + tmp.resolve("missing") + " is not a folder");
    }

    @Test
    void theRootsReachTheServiceAsOneQuarkusListWithCommasEscaped() {
        assertThat(ServiceWiring.importRootsValue(List.of(Path.of("/data/x"), Path.of("/data/a,b"))))
                .isEqualTo("/data/x,/data/a\\,b");
    }
}
