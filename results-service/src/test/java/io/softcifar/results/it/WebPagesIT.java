package io.softcifar.results.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.contracts.events.Correlation;
import io.softcifar.contracts.events.EvaluationCompleted;
import io.softcifar.contracts.events.ReliabilityBin;
import io.softcifar.contracts.events.TrainingFinished;
import io.softcifar.contracts.events.TrainingProgress;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.contracts.storage.ObjectKeys;
import io.softcifar.contracts.study.StudyExpander;
import io.softcifar.contracts.topics.Topics;
import io.softcifar.testsupport.InfrastructureTestResource;
import io.softcifar.testsupport.Required;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The results pages in a real browser (Debian's headless chromium through chromedriver and Selenium), served by the
 * running results-service on the real in-process broker; the test plays the trainer and evaluator by publishing their
 * events. Every number the page must show is worked out by hand in the comments.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class WebPagesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));

    private static EventWire wire;
    private static WebDriver browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void setUp() {
        Required.present(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the web page tests need " + CHROMIUM + " and " + DRIVER
                        + " (apt-get install chromium chromium-driver)");
        wire = EventWire.open();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1400,2400");
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        browser = new ChromeDriver(service, options);
    }

    /**
     * Opens a page the way {@code ./softcifar open} does: a one-time sign-in code issued to the API key, the browser
     * sent to the sign-in link, which sets the session cookie and redirects to {@code path}.
     */
    private void open(String path) {
        String link = given().post("/api/auth/sign-in-codes")
                .then()
                .statusCode(201)
                .extract()
                .path("path");
        browser.get(base.toString().replaceAll("/$", "") + link + "&next="
                + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(browser.getCurrentUrl()).endsWith(path);
    }

    /** No page wrote an error to the browser console (script errors, failed requests, …) since the last call. */
    private static void noConsoleErrors(String page) {
        List<String> errors = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(e -> e.getMessage())
                .toList();
        assertThat(errors).as(page + ": console errors").isEmpty();
    }

    @AfterAll
    static void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (wire != null) {
            wire.close();
        }
    }

    private static String runId(String studyId, String labelMode, long seed) {
        String key = RunSpec.builder(StudyExpander.DATASET_PLACEHOLDER, "basic", labelMode)
                .epochs(3)
                .build()
                .configurationKey();
        return studyId + "-" + key + "-s" + seed;
    }

    private static String submit(String studyId, String datasetId, List<String> labelModes, int seeds) {
        Map<String, Object> body = Map.of(
                "id",
                studyId,
                "name",
                "web " + studyId,
                "datasetId",
                datasetId,
                "grid",
                Map.of("methods", List.of("basic"), "labelModes", labelModes),
                "seeds",
                seeds,
                "overrides",
                Map.of("epochs", 3));
        int[] status = new int[1];
        await().atMost(WAIT).until(() -> {
            status[0] = given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/studies")
                    .statusCode();
            return status[0] != 400; // 400 until the view has seen the dataset
        });
        assertThat(status[0]).isEqualTo(201);
        return studyId;
    }

    /** Three epochs (losses 2.0, 1.5 + seed/10, 1.2), finished, evaluated with two reliability bins. */
    private static void trainAndEvaluate(
            String studyId, String runId, String datasetId, long seed, double accuracy, double ece) {
        Correlation c = Correlation.ofRun(studyId, runId, datasetId);
        double[] val = {2.0, 1.5 + seed / 10.0, 1.2};
        for (int epoch = 1; epoch <= 3; epoch++) {
            wire.publish(
                    Topics.TRAINING_PROGRESS,
                    runId,
                    new TrainingProgress(
                            runId,
                            epoch,
                            3,
                            val[epoch - 1] + 0.1,
                            trainAccuracy(seed, epoch),
                            val[epoch - 1],
                            0.3 + 0.1 * epoch,
                            0.05,
                            500,
                            3 - epoch,
                            null),
                    c);
        }
        String best = ObjectKeys.bestCheckpoint(runId);
        wire.publish(
                Topics.CHECKPOINTS,
                runId,
                new CheckpointPublished(runId, 3, CheckpointPublished.KIND_BEST, true, best, "cd".repeat(32), 4321),
                c);
        wire.publish(
                Topics.TRAINING_STATE,
                runId,
                new TrainingFinished(
                        runId,
                        3,
                        1.2,
                        0.5,
                        3,
                        12.5,
                        best,
                        null,
                        new io.softcifar.contracts.events.Provenance(
                                "0.1.0-web",
                                "0123456789abcdef0123456789abcdef01234567",
                                false,
                                "0.33.0",
                                "2.5.1",
                                "cpu",
                                "Web Test CPU",
                                null,
                                2,
                                1, // the count changed during the work: shown as the range 1-2
                                "17.0.15",
                                "Linux 6.1 amd64",
                                null,
                                "f".repeat(64),
                                "e".repeat(64))),
                c);
        wire.publish(
                Topics.EVALUATION_RESULTS,
                runId,
                new EvaluationCompleted(
                        runId,
                        datasetId,
                        Map.of(
                                "test/accuracy",
                                accuracy,
                                "test/ece",
                                ece,
                                "ood/svhn_auroc",
                                0.7,
                                "fgsm/0.002_decrease",
                                0.1 + seed / 100.0,
                                "fgsm/0.005_decrease",
                                0.2 + seed / 100.0,
                                "fgsm/0.01_decrease",
                                accuracy / 2),
                        ObjectKeys.runPrefix(runId) + "evaluation/dump.json",
                        List.of(
                                new ReliabilityBin(0.4, 0.6, 10, 0.5, 0.45),
                                new ReliabilityBin(0.8, 1.0, 20, 0.9, 0.85))),
                c);
    }

    /** The training accuracy published for a seed's epoch: 0.2 + epoch/10 + seed/100. */
    private static double trainAccuracy(long seed, int epoch) {
        return 0.2 + epoch / 10.0 + seed / 100.0;
    }

    private WebElement element(By by) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    private void awaitText(By by, String text) {
        new WebDriverWait(browser, WAIT)
                .withMessage(() -> "waiting for '" + text + "' in " + by)
                .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    @Test
    void theStudyPageShowsTheComparisonTheSoftHardTestCurvesAndFollowsRunsLive() throws Exception {
        String datasetId = EventWire.unique("ds-web");
        wire.datasetReady(datasetId, 3);
        String studyId = submit(EventWire.unique("web"), datasetId, List.of("soft", "hard"), 3);
        // soft accuracy 0.80, 0.84, 0.86: mean 0.833333, s² = (0.033333² + 0.006667² + 0.026667²)/2 = 0.00093333,
        //   SE = √(0.00093333/3) = 0.0176383 → "83.333 ± 1.764"
        // hard accuracy 0.70, 0.76, 0.78: mean 0.746667, s² = (0.046667² + 0.013333² + 0.033333²)/2 = 0.00173333,
        //   SE = 0.0240370 → "74.667 ± 2.404"
        // ECE soft 0.05, 0.07, 0.06 (mean 0.06), hard 0.02, 0.04, 0.03 (mean 0.03): lower is better → hard best
        double[] softAcc = {0.80, 0.84, 0.86};
        double[] hardAcc = {0.70, 0.76, 0.78};
        double[] softEce = {0.05, 0.07, 0.06};
        double[] hardEce = {0.02, 0.04, 0.03};
        for (int seed = 0; seed < 3; seed++) {
            trainAndEvaluate(studyId, runId(studyId, "soft", seed), datasetId, seed, softAcc[seed], softEce[seed]);
            trainAndEvaluate(studyId, runId(studyId, "hard", seed), datasetId, seed, hardAcc[seed], hardEce[seed]);
        }
        await().atMost(WAIT)
                .until(() -> given().get("/api/studies/" + studyId + "/comparison")
                                .jsonPath()
                                .getInt("evaluated")
                        == 6);

        // the API: soft − hard accuracy per seed 0.10, 0.08, 0.08: mean 0.086667, deviations 0.013333, −0.006667 ×2,
        // s² = 0.00026667/2, SE = √(0.00013333/3) = 0.0066667, t = 13.0; ν = 2: p = 1 − t/√(2 + t²) = 0.0058651
        JsonPath c = given().get("/api/studies/" + studyId + "/comparison").jsonPath();
        assertThat(c.getString("softVsHard[0].label")).isEqualTo("basic");
        Map<String, Object> acc = c.getMap("softVsHard[0].differences.find { it.metric == 'test/accuracy' }");
        assertThat(((Number) acc.get("n")).intValue()).isEqualTo(3);
        assertThat(((Number) acc.get("mean")).doubleValue()).isCloseTo(0.0866667, within(1e-6));
        assertThat(((Number) acc.get("stdErr")).doubleValue()).isCloseTo(0.0066667, within(1e-6));
        assertThat(((Number) acc.get("t")).doubleValue()).isCloseTo(13.0, within(1e-6));
        assertThat(((Number) acc.get("pValue")).doubleValue()).isCloseTo(1 - 13 / Math.sqrt(171), within(1e-6));
        assertThat(c.getString("display.'test/accuracy'.label")).isEqualTo("accuracy");

        open("/study.html?id=" + studyId);
        awaitText(By.cssSelector("#comparison-table tbody"), "83.333 ± 1.764");
        WebElement soft = browser.findElement(By.cssSelector("#comparison-table tbody tr:nth-child(1)"));
        WebElement hard = browser.findElement(By.cssSelector("#comparison-table tbody tr:nth-child(2)"));
        assertThat(soft.findElement(By.tagName("th")).getText()).isEqualTo("basic, soft");
        assertThat(hard.findElement(By.cssSelector("td[data-metric='test/accuracy']"))
                        .getText())
                .isEqualTo("74.667 ± 2.404");
        // best per column, in the metric's direction: soft for accuracy (↑), hard for ECE (↓)
        assertThat(soft.findElement(By.cssSelector("td[data-metric='test/accuracy']"))
                        .getAttribute("class"))
                .contains("best");
        assertThat(soft.findElement(By.cssSelector("td[data-metric='test/accuracy']"))
                        .getText())
                .endsWith("★");
        assertThat(hard.findElement(By.cssSelector("td[data-metric='test/ece']"))
                        .getText())
                .endsWith("★");
        assertThat(soft.findElement(By.cssSelector("td[data-metric='test/ece']"))
                        .getAttribute("class"))
                .doesNotContain("best");
        assertThat(browser.findElement(By.cssSelector("#comparison-table th[data-metric='test/ece']"))
                        .getText())
                .contains("↓");
        assertThat(browser.findElement(By.cssSelector("#comparison-table th[data-metric='test/accuracy']"))
                        .getText())
                .contains("↑");
        // soft − hard: "+8.667 ± 0.667", p = 0.006 with n = 3
        WebElement pair = element(By.cssSelector("#pairs-table td[data-metric='test/accuracy']"));
        assertThat(pair.getText()).contains("+8.667 ± 0.667").contains("p = 0.006, n = 3");
        // ECE: soft − hard is 0.03 for every seed (up to rounding): a difference, but no test
        assertThat(browser.findElement(By.cssSelector("#pairs-table td[data-metric='test/ece']"))
                        .getText())
                .contains("+0.0300")
                .contains("no spread, n = 3");
        // the columns in the headline order, also after switching one off and on
        assertThat(browser.findElements(By.cssSelector("#comparison-table thead th[data-metric]")))
                .extracting(e -> e.getAttribute("data-metric"))
                .containsExactly("test/accuracy", "test/ece", "ood/svhn_auroc", "fgsm/0.005_decrease");
        assertThat(browser.findElement(By.id("comparison")).getText()).doesNotContain("null");

        // columns are switchable: ECE off, then on again
        WebElement eceBox = browser.findElement(By.cssSelector("#columns input[value='test/ece']"));
        eceBox.click();
        assertThat(browser.findElements(By.cssSelector("#comparison-table th[data-metric='test/ece']")))
                .isEmpty();
        browser.findElement(By.cssSelector("#columns input[value='test/ece']")).click();
        assertThat(browser.findElements(By.cssSelector("#comparison-table thead th[data-metric]")))
                .extracting(e -> e.getAttribute("data-metric"))
                .containsExactly("test/accuracy", "test/ece", "ood/svhn_auroc", "fgsm/0.005_decrease");

        // charts drawn by uPlot (a canvas each): one curve chart and one reliability diagram per configuration
        element(By.cssSelector("#curves .chart canvas"));
        assertThat(browser.findElements(By.cssSelector("#curves .chart"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#reliability .chart canvas")))
                .hasSize(2);
        assertThat(browser.findElement(By.cssSelector("#curves .chart")).getText())
                .contains("seed 0")
                .contains("seed 2");
        assertThat(browser.findElements(By.cssSelector(".message.error"))).isEmpty();
        // each chart plots exactly the API's series: validation loss per epoch of every seed of the configuration
        for (String labelMode : List.of("soft", "hard")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> chart = (Map<String, Object>) ((JavascriptExecutor) browser)
                    .executeScript("return window.softcifarCharts['curves/basic, " + labelMode + "'];");
            assertThat(chart).as("chart of basic, " + labelMode).isNotNull();
            assertThat((List<Object>) chart.get("series")).containsExactly("seed 0", "seed 1", "seed 2");
            List<?> data = (List<?>) chart.get("data");
            for (int seed = 0; seed < 3; seed++) {
                com.fasterxml.jackson.databind.JsonNode progress = io.softcifar.contracts.events.EventCodec.json()
                        .readTree(given().get("/api/runs/" + runId(studyId, labelMode, seed))
                                .asString())
                        .path("progress");
                List<Integer> epochs = new java.util.ArrayList<>();
                List<Double> valLoss = new java.util.ArrayList<>();
                progress.forEach(p -> {
                    epochs.add(p.path("epoch").asInt());
                    valLoss.add(p.path("valLoss").asDouble());
                });
                assertThat(((List<?>) data.get(0))
                                .stream().map(x -> ((Number) x).intValue()).toList())
                        .isEqualTo(epochs);
                assertThat(((List<?>) data.get(seed + 1))
                                .stream().map(x -> ((Number) x).doubleValue()).toList())
                        .as("seed " + seed)
                        .isEqualTo(valLoss);
            }
        }
        // "accuracy" plots per seed the validation accuracy (0.3 + epoch/10) and the training accuracy (published
        // above as 0.2 + epoch/10 + seed/100), beside each other
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("curve-metric"))).selectByValue("accuracy");
        new WebDriverWait(browser, WAIT)
                .until(
                        d -> ((JavascriptExecutor) d)
                                .executeScript(
                                        "const c = window.softcifarCharts['curves/basic, soft']; return c && c.series.length === 6;"));
        @SuppressWarnings("unchecked")
        Map<String, Object> accuracy = (Map<String, Object>)
                ((JavascriptExecutor) browser).executeScript("return window.softcifarCharts['curves/basic, soft'];");
        assertThat((List<Object>) accuracy.get("series"))
                .containsExactly("seed 0", "seed 0 training", "seed 1", "seed 1 training", "seed 2", "seed 2 training");
        List<?> accuracyData = (List<?>) accuracy.get("data");
        for (int seed = 0; seed < 3; seed++) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                assertThat(((Number) ((List<?>) accuracyData.get(1 + 2 * seed)).get(epoch - 1)).doubleValue())
                        .as("seed %d epoch %d validation", seed, epoch)
                        .isCloseTo(0.3 + 0.1 * epoch, within(1e-12));
                assertThat(((Number) ((List<?>) accuracyData.get(2 + 2 * seed)).get(epoch - 1)).doubleValue())
                        .as("seed %d epoch %d training", seed, epoch)
                        .isCloseTo(0.2 + epoch / 10.0 + seed / 100.0, within(1e-12));
            }
        }
        screenshot("study-accuracy-curves");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("curve-metric"))).selectByValue("valLoss");
        @SuppressWarnings("unchecked")
        Map<String, Object> reliability = (Map<String, Object>) ((JavascriptExecutor) browser)
                .executeScript("return window.softcifarCharts['reliability/basic, soft'];");
        // the two published bins: (mean confidence 0.5, accuracy 0.45) and (0.9, 0.85); the diagonal at 0 and 1
        List<?> rel = (List<?>) reliability.get("data");
        assertThat(((List<?>) rel.get(0))
                        .stream().map(x -> ((Number) x).doubleValue()).toList())
                .containsExactly(0.0, 0.5, 0.9, 1.0);
        assertThat(((List<?>) rel.get(1))
                        .stream()
                                .map(x -> x == null ? null : ((Number) x).doubleValue())
                                .toList())
                .containsExactly(null, 0.45, 0.85, null);
        // the FGSM sweep: per configuration the comparison's mean decrease at ε = 0.002, 0.005, 0.01
        // (by hand: 0.002 → 0.1 + mean seed/100 = 0.11, 0.005 → 0.21, 0.01 → mean accuracy / 2)
        @SuppressWarnings("unchecked")
        Map<String, Object> fgsm = (Map<String, Object>) ((JavascriptExecutor) browser)
                .executeScript("return window.softcifarCharts['fgsm/accuracy decrease by ε'];");
        assertThat((List<Object>) fgsm.get("series")).containsExactly("basic, soft", "basic, hard");
        List<?> sweep = (List<?>) fgsm.get("data");
        assertThat(((List<?>) sweep.get(0))
                        .stream().map(x -> ((Number) x).doubleValue()).toList())
                .containsExactly(0.002, 0.005, 0.01);
        assertThat(((List<?>) sweep.get(1))
                        .stream().map(x -> ((Number) x).doubleValue()).toList())
                .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-12 ? 0 : 1)
                .containsExactly(0.11, 0.21, (0.80 + 0.84 + 0.86) / 6);
        assertThat(((List<?>) sweep.get(2))
                        .stream().map(x -> ((Number) x).doubleValue()).toList())
                .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-12 ? 0 : 1)
                .containsExactly(0.11, 0.21, (0.70 + 0.76 + 0.78) / 6);
        noConsoleErrors("study page");
        screenshot("study");
        // a phone's width: nothing wider than the screen (tables scroll inside their box)
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        new WebDriverWait(browser, WAIT)
                .withMessage(() -> "page wider than the screen: "
                        + ((JavascriptExecutor) browser)
                                .executeScript(
                                        "return document.documentElement.scrollWidth + ' > ' + window.innerWidth + ', widest: '"
                                                + " + [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
                                                + " > window.innerWidth).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)"
                                                + ".join(' ');"))
                .until(d -> (Boolean) ((JavascriptExecutor) d)
                        .executeScript("return document.documentElement.scrollWidth <= window.innerWidth;"));
        screenshot("study-phone");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 2400));
        accessible("study page");
        // the run's OOD scores (the dump's .npy files, written here): test 0, 0.1, 0.5, 1; SVHN 0.2, 0.3, 0.9
        String soft1 = runId(studyId, "soft", 1);
        io.softcifar.testsupport.TestInfrastructure infra = io.softcifar.testsupport.TestInfrastructure.get();
        try (io.softcifar.storage.ObjectStore store =
                new io.softcifar.storage.ObjectStore(io.softcifar.storage.ObjectStoreConfig.of(
                        infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), infra.bucket()))) {
            io.softcifar.results.artifacts.OodScoresTest.putExampleScores(store, soft1);
        }
        open("/run.html?id=" + runId(studyId, "soft", 1));
        awaitText(By.id("metrics-table"), "test/accuracy");
        assertThat(browser.findElement(By.id("metrics-table")).getText()).contains("0.840000");
        assertThat(browser.findElements(By.cssSelector("#curves .chart canvas")))
                .hasSize(3); // loss, accuracy, reliability
        @SuppressWarnings("unchecked")
        Map<String, Object> runAccuracy = (Map<String, Object>)
                ((JavascriptExecutor) browser).executeScript("return window.softcifarCharts['curves/Accuracy'];");
        assertThat((List<Object>) runAccuracy.get("series")).containsExactly("training", "validation");
        assertThat(((List<?>) ((List<?>) runAccuracy.get("data")).get(1))
                        .stream().map(x -> ((Number) x).doubleValue()).toList())
                .as("seed 1's training accuracy")
                .containsExactly(trainAccuracy(1, 1), trainAccuracy(1, 2), trainAccuracy(1, 3));
        // the OOD histogram (30 bins of 1/30 over [0, 1]), fractions per bin; by hand, score × 30 rounded down:
        // test 0 → bin 0, 0.1 → bin 3, 0.5 → bin 15, 1 → bin 29 (last, upper edge included), each 1/4
        element(By.cssSelector("#ood .chart canvas"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ood = (Map<String, Object>)
                ((JavascriptExecutor) browser).executeScript("return window.softcifarCharts['ood/OOD scores: svhn'];");
        assertThat((List<Object>) ood.get("series")).containsExactly("test (4)", "svhn (3)");
        List<?> oodData = (List<?>) ood.get("data");
        List<Double> test = ((List<?>) oodData.get(1))
                .stream().map(x -> ((Number) x).doubleValue()).toList();
        List<Double> svhn = ((List<?>) oodData.get(2))
                .stream().map(x -> ((Number) x).doubleValue()).toList();
        assertThat(test).hasSize(30);
        for (int bin = 0; bin < 30; bin++) {
            // float32 scores: 0.1f = 0.1000000015 → bin 3; 0.2f → 6; 0.3f = 0.3000000119 → 9; 0.9f = 0.8999999762 → 26
            double expectedTest = bin == 0 || bin == 3 || bin == 15 || bin == 29 ? 0.25 : 0.0;
            double expectedSvhn = bin == 6 || bin == 9 || bin == 26 ? 1.0 / 3 : 0.0;
            assertThat(test.get(bin)).as("test bin " + bin).isCloseTo(expectedTest, within(1e-12));
            assertThat(svhn.get(bin)).as("svhn bin " + bin).isCloseTo(expectedSvhn, within(1e-12));
        }
        awaitText(By.id("artifacts"), "checkpoints/best.ckpt");
        assertThat(browser.findElement(By.id("artifacts")).getText())
                .contains("4,321")
                .contains("cd".repeat(32));
        assertThat(browser.findElement(By.linkText("checkpoints/best.ckpt")).getAttribute("href"))
                .endsWith("/api/runs/" + runId(studyId, "soft", 1) + "/artifacts/checkpoints/best.ckpt");
        // provenance as the trainer recorded it; the evaluator's (not published here) is "—"
        assertThat(browser.findElement(By.cssSelector("#provenance-table tr[data-field=gitCommit]"))
                        .getText())
                .isEqualTo("git commit 0123456789abcdef0123456789abcdef01234567 —");
        assertThat(browser.findElement(By.cssSelector("#provenance-table tr[data-field=deviceName]"))
                        .getText())
                .isEqualTo("device name Web Test CPU —");
        assertThat(browser.findElement(By.cssSelector("#provenance-table tr[data-field=gitDirty]"))
                        .getText())
                .isEqualTo("uncommitted changes no —");
        assertThat(browser.findElement(By.cssSelector("#provenance-table tr[data-field=threads]"))
                        .getText())
                .isEqualTo("threads 1-2 —");
        // every setting, defaults filled in (PROTOCOL.md: batch size 64, depth 20, SGD momentum 0.9)
        String settings = browser.findElement(By.id("settings")).getText();
        assertThat(settings)
                .contains("batchSize\n64")
                .contains("depth\n20")
                .contains("momentum\n0.9")
                .contains("seed\n1");
        screenshot("run");
        accessible("run page");
        noConsoleErrors("run page");
    }

    /**
     * axe-core (Deque's engine, the script bundled in its jar) on the page as it is now: no violation of WCAG 2.1 A/AA
     * rules. Each violation is listed with its rule, impact and the first elements it names.
     */
    private static void accessible(String page) {
        com.deque.html.axecore.results.Results results = new com.deque.html.axecore.selenium.AxeBuilder()
                .withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"))
                .analyze(browser);
        assertThat(results.getViolations())
                .as(page + ": "
                        + results.getViolations().stream()
                                .map(v -> v.getId() + " (" + v.getImpact() + "): "
                                        + v.getNodes().stream()
                                                .limit(3)
                                                .map(n -> String.valueOf(n.getTarget()))
                                                .toList())
                                .toList())
                .isEmpty();
        assertThat(results.getPasses()).as(page + ": axe ran its rules").isNotEmpty();
    }

    /** Keeps what the browser showed in target/web-pages/ (for a person looking at a failure or a change). */
    private static void screenshot(String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target/web-pages"));
            byte[] png = ((org.openqa.selenium.TakesScreenshot) browser)
                    .getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
            Files.write(dir.resolve(name + ".png"), png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void progressArrivesLiveWithoutAPageReloadAndTheListFilters() {
        String datasetId = EventWire.unique("ds-live");
        wire.datasetReady(datasetId, 3);
        String studyId = submit(EventWire.unique("live"), datasetId, List.of("soft"), 1);
        String run = runId(studyId, "soft", 0);
        Correlation c = Correlation.ofRun(studyId, run, datasetId);
        wire.publish(
                Topics.TRAINING_PROGRESS,
                run,
                new TrainingProgress(run, 1, 3, 2.1, null, 2.0, 0.3, 0.05, 500, 120, null),
                c);
        await().atMost(WAIT)
                .until(() -> given().get("/api/runs/" + run).jsonPath().getInt("epoch") == 1);

        open("/study.html?id=" + studyId);
        By epoch = By.cssSelector("tr[data-run='" + run + "'] td[data-field='epoch']");
        awaitText(epoch, "1/3");
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = 'yes';");
        wire.publish(
                Topics.TRAINING_PROGRESS,
                run,
                new TrainingProgress(run, 2, 3, 1.9, null, 1.8, 0.4, 0.05, 500, 60, null),
                c);
        awaitText(epoch, "2/3");
        assertThat(browser.findElement(By.cssSelector("tr[data-run='" + run + "'] td[data-field='eta']"))
                        .getText())
                .isEqualTo("60 s");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument;"))
                .isEqualTo("yes");

        // cancel from the page: confirmed, answered with the number of runs asked to stop
        browser.findElement(By.id("cancel")).click();
        new WebDriverWait(browser, WAIT)
                .until(ExpectedConditions.alertIsPresent())
                .accept();
        awaitText(By.id("notice"), "Cancel the study: 1 run(s).");

        // the list: filters by name and method
        open("/");
        element(By.cssSelector("tr[data-study='" + studyId + "']"));
        accessible("study list");
        browser.findElement(By.id("f-name")).sendKeys(studyId);
        assertThat(browser.findElements(By.cssSelector("#studies tbody tr"))).hasSize(1);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("f-method"))).selectByValue("sngp");
        awaitText(By.id("list"), "No study matches the filters.");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("f-method"))).selectByValue("basic");
        element(By.cssSelector("tr[data-study='" + studyId + "']"));
    }

    @Test
    void theSubmitPagePreviewsTheRunsNamesTheBadFieldAndStartsTheStudy() {
        String datasetId = EventWire.unique("ds-submit");
        wire.datasetReady(datasetId, 3);
        await().atMost(WAIT)
                .until(() -> given().contentType(ContentType.JSON)
                                .body(Map.of(
                                        "name",
                                        "probe",
                                        "datasetId",
                                        datasetId,
                                        "grid",
                                        Map.of("methods", List.of("basic"), "labelModes", List.of("soft"))))
                                .post("/api/studies?dryRun=true")
                                .statusCode()
                        == 200); // the view has seen the dataset

        open("/submit.html");
        element(By.id("request"));
        browser.findElement(By.id("dataset")).sendKeys(datasetId);
        // no name: the service's answer, naming the field, shown on the page; nothing submitted
        browser.findElement(By.id("preview")).click();
        awaitText(By.id("notice"), "name");
        assertThat(browser.findElement(By.id("notice")).getText()).startsWith("400");
        // the browser logs the refused request itself; that one line is expected, nothing else
        assertThat(browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                        .map(e -> e.getMessage())
                        .toList())
                .singleElement()
                .asString()
                .contains("/api/studies?dryRun=true")
                .contains("400");

        browser.findElement(By.id("name")).sendKeys("ui submit " + datasetId);
        browser.findElement(By.cssSelector("input[name=methods][value=sngp]")).click();
        browser.findElement(By.id("seeds")).clear();
        browser.findElement(By.id("seeds")).sendKeys("2");
        browser.findElement(By.id("epochs")).sendKeys("2");
        browser.findElement(By.id("preview")).click();
        // basic and SNGP × soft and hard = 4 configurations, × seeds 0 and 1 = 8 runs
        awaitText(By.id("plan-summary"), "8 runs: 4 configurations × 2 seeds (0, 1)");
        assertThat(browser.findElements(By.cssSelector("#plan-table tbody tr"))).hasSize(8);
        accessible("submit page");
        noConsoleErrors("submit page");
        assertThat(given().get("/api/studies").jsonPath().getList("name", String.class))
                .doesNotContain("ui submit " + datasetId); // a preview submits nothing

        browser.findElement(By.id("submit")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/study.html?id="));
        new WebDriverWait(browser, WAIT)
                .until(d ->
                        d.findElements(By.cssSelector("#runs-table tbody tr")).size() == 8);
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("ui submit " + datasetId);
    }
}
