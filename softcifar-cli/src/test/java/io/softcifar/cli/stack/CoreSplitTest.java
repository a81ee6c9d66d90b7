package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code up} splits the cores between the trainer and the evaluator, and how the options override it. */
class CoreSplitTest {

    @Test
    void theDefaultGivesTheTrainerEveryCoreInSlotsOfTwoAndTheEvaluatorAQuarter() {
        // trainer all cores in max(1, cores/2) slots, evaluator max(1, cores/4), worked out by hand
        assertThat(CoreSplit.auto(1)).isEqualTo(new CoreSplit(1, 1, 1, 1));
        assertThat(CoreSplit.auto(2)).isEqualTo(new CoreSplit(2, 2, 2, 1));
        assertThat(CoreSplit.auto(3)).isEqualTo(new CoreSplit(3, 3, 1, 1));
        assertThat(CoreSplit.auto(4)).isEqualTo(new CoreSplit(4, 4, 2, 1));
        assertThat(CoreSplit.auto(8)).isEqualTo(new CoreSplit(8, 8, 4, 2));
        assertThat(CoreSplit.whole(8)).isEqualTo(new CoreSplit(8, 8, 1, 8));
    }

    @Test
    void theSplitReachesTheServicesAsSystemProperties() {
        CoreSplit split = new CoreSplit(8, 6, 2, 2);
        java.nio.file.Path ledger = java.nio.file.Path.of("/home/u/.softcifar/cores");
        assertThat(split.jvmArgs(ledger).get("trainer"))
                .containsExactly(
                        "-Dsoftcifar.threads=6",
                        "-Dsoftcifar.trainer.slots=2",
                        "-Dsoftcifar.cores.ledger=/home/u/.softcifar/cores");
        assertThat(split.jvmArgs(ledger).get("evaluator"))
                .containsExactly("-Dsoftcifar.threads=2", "-Dsoftcifar.cores.ledger=/home/u/.softcifar/cores");
        assertThat(split.jvmArgs(ledger)).doesNotContainKeys("results", "dataset");
    }

    @Test
    void theStartLineSaysWhoGetsWhatAndWhenTheyShare() {
        assertThat(new CoreSplit(2, 1, 1, 1).describe())
                .isEqualTo("Cores: 2; trainer 1 thread (1 run at once, 1 thread each), evaluator 1 thread"
                        + " (up to 2 while the trainer is idle)");
        assertThat(CoreSplit.auto(2).describe())
                .isEqualTo("Cores: 2; trainer 2 threads (2 runs at once, 1 thread each), evaluator 1 thread"
                        + " (up to 2 while the trainer is idle); 3 threads on 2 cores when both work");
        assertThat(CoreSplit.whole(4).describe())
                .isEqualTo("Cores: 4; trainer 4 threads (1 run at once, 4 threads each), evaluator 4 threads;"
                        + " 8 threads on 4 cores when both work");
    }

    @Test
    void optionsReplaceOnlyWhatTheyName() {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs("--trainer-slots", "2");
        CoreSplit split = up.stackOptions.coreSplit();
        CoreSplit auto = CoreSplit.auto(Runtime.getRuntime().availableProcessors());
        assertThat(split.trainerSlots()).isEqualTo(2);
        assertThat(split.trainerThreads()).isEqualTo(auto.trainerThreads());
        assertThat(split.evaluatorThreads()).isEqualTo(auto.evaluatorThreads());

        assertThat(CoreSplit.of(2, 1, null, 2)).isEqualTo(new CoreSplit(2, 1, 2, 2));
    }

    @Test
    void aValueOutOfRangeNamesItsOption() {
        for (List<Integer> bad : List.of(List.of(0, 1, 1), List.of(1, -1, 1), List.of(1, 1, 2000))) {
            String option =
                    bad.get(0) < 1 ? "--trainer-threads" : bad.get(1) < 1 ? "--trainer-slots" : "--evaluator-threads";
            assertThatThrownBy(() -> CoreSplit.of(2, bad.get(0), bad.get(1), bad.get(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(option + " must be 1 to 1024, got ");
        }
    }
}
