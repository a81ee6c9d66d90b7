package io.softcifar.service.cores;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims of live processes count, one's own and dead ones' do not; the share is what nobody else claims. */
class CoreLedgerTest {

    @TempDir
    Path dir;

    private final long me = ProcessHandle.current().pid();

    @Test
    void anotherLiveProcessesClaimCountsUntilItIsClosed() throws Exception {
        Process other = new ProcessBuilder("sleep", "120").start(); // a live process that is not this JVM
        try {
            CoreLedger theirs = new CoreLedger(dir, other.pid());
            CoreLedger mine = new CoreLedger(dir, me);
            assertThat(mine.threadsOfOthers()).isZero();
            try (CoreLedger.Claim a = theirs.claim("slot-1", 1);
                    CoreLedger.Claim b = theirs.claim("slot 2", 2)) {
                assertThat(mine.threadsOfOthers()).isEqualTo(3);
                assertThat(theirs.threadsOfOthers())
                        .as("its own claims are not others'")
                        .isZero();
                a.close();
                assertThat(mine.threadsOfOthers()).isEqualTo(2);
            }
            assertThat(mine.threadsOfOthers()).isZero();
            try (var files = Files.list(dir)) {
                assertThat(files).as("nothing left behind").isEmpty();
            }
        } finally {
            other.destroy();
            other.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDeadProcessesClaimCountsForNothingAndIsRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        new CoreLedger(dir, gone.pid()).claim("slot-1", 2); // never closed: the process "was killed"
        assertThat(dir.resolve(gone.pid() + "-slot-1.threads")).hasContent("2");

        assertThat(new CoreLedger(dir, me).threadsOfOthers()).isZero();
        assertThat(dir.resolve(gone.pid() + "-slot-1.threads")).doesNotExist();
    }

    @Test
    void aMissingFolderOrForeignFilesClaimNothing() throws IOException {
        assertThat(new CoreLedger(dir.resolve("not-there"), me).threadsOfOthers())
                .isZero();
        Files.writeString(dir.resolve("notes.threads"), "7");
        Files.writeString(
                dir.resolve(ProcessHandle.current().parent().orElseThrow().pid() + "-x.threads"), "two");
        assertThat(new CoreLedger(dir, me).threadsOfOthers()).isZero();
    }

    @Test
    void theShareIsTheUnclaimedCoresButNeverLessThanOnesOwn() {
        // 2 cores, the evaluator's own share 1: both trainer slots busy, one busy, none busy
        assertThat(CoreLedger.share(1, 2, 2)).isEqualTo(1);
        assertThat(CoreLedger.share(1, 2, 1)).isEqualTo(1);
        assertThat(CoreLedger.share(1, 2, 0)).isEqualTo(2);
        // 8 cores, own 2: a 2-thread run leaves 6; an oversubscribed trainer leaves the own share
        assertThat(CoreLedger.share(2, 8, 2)).isEqualTo(6);
        assertThat(CoreLedger.share(2, 8, 10)).isEqualTo(2);
    }

    @Test
    void configuredOnlyWithTheProperty() {
        String before = System.getProperty(CoreLedger.PROPERTY);
        try {
            System.clearProperty(CoreLedger.PROPERTY);
            assertThat(CoreLedger.configured()).isEmpty();
            System.setProperty(CoreLedger.PROPERTY, dir.toString());
            assertThat(CoreLedger.configured())
                    .hasValueSatisfying(l -> assertThat(l.dir()).isEqualTo(dir));
        } finally {
            if (before == null) {
                System.clearProperty(CoreLedger.PROPERTY);
            } else {
                System.setProperty(CoreLedger.PROPERTY, before);
            }
        }
    }
}
