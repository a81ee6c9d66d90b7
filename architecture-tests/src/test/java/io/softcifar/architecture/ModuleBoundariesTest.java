package io.softcifar.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.softcifar.cli.archfixture.CliOnTestSupport;
import io.softcifar.contracts.archfixture.ContractOnAService;
import io.softcifar.trainer.archfixture.TrainerOnTheEvaluator;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of issue 17, on the compiled main classes of every module (this module depends on all of
 * them, test-scoped, without their own dependencies). Each rule is run twice: on the real code, where it must hold,
 * and on a fixture class that breaks it on purpose, where it must fail — so a rule that matches nothing (a renamed
 * package) cannot pass silently.
 */
class ModuleBoundariesTest {

    /** Top-level package of each module (io.softcifar.X). */
    static final String CONTRACTS = "io.softcifar.contracts..";

    static final String ML = "io.softcifar.ml..";
    static final String STORAGE = "io.softcifar.storage..";
    static final String SERVICE_COMMON = "io.softcifar.service..";
    static final String INFRA_LOCAL = "io.softcifar.infra.local..";
    static final String TEST_SUPPORT = "io.softcifar.testsupport..";
    static final String[] SERVICES = {
        "io.softcifar.dataset..", "io.softcifar.trainer..", "io.softcifar.evaluator..", "io.softcifar.results.."
    };
    static final String CLI = "io.softcifar.cli..";
    static final String DEPLOY = "io.softcifar.deploy..";

    /** No main code outside test-support uses test-support (it is test-scoped everywhere). */
    static final ArchRule NO_MAIN_CODE_ON_TEST_SUPPORT = noClasses()
            .that()
            .resideOutsideOfPackage(TEST_SUPPORT)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(TEST_SUPPORT)
            .because("test-support is for tests; what `up` runs lives in infra-local");

    /** The four services talk through Kafka events and the object store only. */
    static final ArchRule SERVICES_INDEPENDENT = slices().matching("io.softcifar.(dataset|trainer|evaluator|results)..")
            .should()
            .notDependOnEachOther()
            .because("services exchange events, never classes");

    /** contracts, ml-core, object-store, service-common and infra-local know no service, CLI or deploy code. */
    static final ArchRule SHARED_MODULES_KNOW_NO_SERVICE = noClasses()
            .that()
            .resideInAnyPackage(CONTRACTS, ML, STORAGE, SERVICE_COMMON, INFRA_LOCAL)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(concat(SERVICES, CLI, DEPLOY))
            .because("shared modules sit below the services");

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.softcifar");
    }

    @Test
    void everyModuleIsImported() {
        // the rules below are only as good as the classes they see
        Set<String> roots = main.stream()
                .map(c -> c.getPackageName().split("\\."))
                .filter(p -> p.length > 2)
                .map(p -> p[2])
                .collect(Collectors.toSet());
        assertThat(roots)
                .contains(
                        "contracts",
                        "ml",
                        "storage",
                        "service",
                        "infra",
                        "testsupport",
                        "dataset",
                        "trainer",
                        "evaluator",
                        "results",
                        "cli",
                        "deploy");
        assertThat(main.stream().filter(c -> c.getName().contains("archfixture")))
                .as("fixtures are not main code")
                .isEmpty();
    }

    @Test
    void noMainCodeDependsOnTestSupport() {
        NO_MAIN_CODE_ON_TEST_SUPPORT.check(main);
        assertThatThrownBy(() -> NO_MAIN_CODE_ON_TEST_SUPPORT.check(fixture(CliOnTestSupport.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CliOnTestSupport")
                .hasMessageContaining("TopicProbe");
    }

    @Test
    void servicesDoNotDependOnEachOther() {
        SERVICES_INDEPENDENT.check(main);
        // the fixture needs a real evaluator class next to it, or the slice of the evaluator would be empty
        assertThatThrownBy(() -> SERVICES_INDEPENDENT.check(
                        fixture(TrainerOnTheEvaluator.class, io.softcifar.evaluator.config.EvaluatorSettings.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("TrainerOnTheEvaluator")
                .hasMessageContaining("EvaluatorSettings");
    }

    @Test
    void sharedModulesDoNotDependOnServices() {
        SHARED_MODULES_KNOW_NO_SERVICE.check(main);
        assertThatThrownBy(() -> SHARED_MODULES_KNOW_NO_SERVICE.check(fixture(ContractOnAService.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ContractOnAService")
                .hasMessageContaining("StudyValidationException");
    }

    private static JavaClasses fixture(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
