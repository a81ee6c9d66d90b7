package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.testsupport.Required;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The results pages in headless chromium against the whole stack ({@code softcifar up}'s JVMs, in-process Kafka and
 * S3) while a small study trains for real on 400 CIFAR-10H images: a study submitted through the submit page (dry
 * run first), its epochs advancing on the study page without a reload, the table's cells equal to the API's numbers,
 * the trainer's training accuracy per epoch plotted on the run page as the API serves it, a checkpoint downloaded
 * by the run page whose SHA-256 (computed in the browser on the bytes the link serves) equals
 * that of the object in the stack's S3 data folder, a run cancelled with the page's button, and no console error.
 * Same browser discovery and {@link Required} rule as results-service's WebPagesIT. Screenshots in
 * {@code target/stack-browser/}.
 */
class StackBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));

    @TempDir
    Path tmp;

    @Test
    void theStudyPagesFollowAStackThatTrains() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<LocalStack.ServiceDef> services = TestStacks.packagedServicesOnFreePorts(root);
        Required.present(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the browser test needs " + CHROMIUM + " and " + DRIVER
                        + " (apt-get install chromium chromium-driver)");
        Optional<Path> real = Cifar10hFolder.findSharedCopy();
        Required.present(
                real.isPresent(), "real data not found (../shared/data/cifar10h or -Dsoftcifar.data.cifar10h)");
        StringWriter log = new StringWriter();
        Path home = tmp.resolve("home");
        WebDriver browser = null;
        try (LocalStack stack =
                TestStacks.startOnLoopback(root, home, services, List.of(real.get()), new PrintWriter(log, true))) {
            String token = ApiToken.find(home.resolve(ApiToken.FILE_NAME));
            assertThat(token).as("the API token up wrote into " + home).isNotBlank();
            Stack http = new Stack(stack.urls(), token);
            String datasetId = importRealSubset(http, real.get());
            browser = chromium();
            try {
                String studyId = submitThroughThePage(browser, http, datasetId);
                String runId = watchLiveProgress(browser, studyId);
                tableEqualsTheApi(browser, http, studyId);
                downloadMatchesTheObjectStore(browser, http, home, runId);
                cancelThroughThePage(browser, http, datasetId);
                List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                        .map(e -> e.getMessage())
                        .toList();
                assertThat(errors).as("console errors").isEmpty();
            } catch (AssertionError | RuntimeException e) {
                screenshot(browser, "failure");
                throw new AssertionError(e.getMessage() + "\nstack log:\n" + log, e);
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
        }
    }

    /** The first 400 CIFAR-10H images (320 train / 20 validation / 60 test with seed 0). */
    private static String importRealSubset(Stack http, Path data) throws Exception {
        ObjectNode spec = StackClient.json().createObjectNode();
        spec.putObject("sources").put("dir", data.toString());
        spec.putArray("seeds").add(0);
        spec.put("limit", 400);
        JsonNode answer = http.call("dataset-service", "POST", "/api/datasets", spec);
        String id = answer.path("id").asText();
        awaitTrue("dataset " + id + " ready", Duration.ofMinutes(2), () -> {
            String status = http.call("dataset-service", "GET", "/api/datasets/" + id, null)
                    .path("status")
                    .asText();
            assertThat(status).as("dataset " + id).isNotEqualTo("FAILED");
            return status.equals("READY");
        });
        return id;
    }

    /** Own request on the submit page: a dry run shows the expanded runs, nothing submitted; then submitted. */
    private static String submitThroughThePage(WebDriver browser, Stack http, String datasetId) throws Exception {
        http.open(browser, "/submit.html");
        wait(browser).until(ExpectedConditions.presenceOfElementLocated(By.id("request")));
        String name = "browser " + datasetId;
        String request = studyRequest(name, datasetId, 3);
        browser.findElement(By.id("request")).clear();
        browser.findElement(By.id("request")).sendKeys(request);
        JsonNode dryRun = http.call(
                "results-service",
                "POST",
                "/api/studies?dryRun=true",
                StackClient.json().readTree(request));
        assertThat(dryRun.path("runs")).hasSize(1);
        browser.findElement(By.id("preview")).click();
        wait(browser)
                .until(ExpectedConditions.textToBePresentInElementLocated(
                        By.id("plan-summary"), "1 runs: 1 configurations × 1 seeds (0)"));
        List<String> shown = browser.findElements(By.cssSelector("#plan-table tbody tr td:first-child")).stream()
                .map(e -> e.getText())
                .toList();
        List<String> expected = new ArrayList<>();
        dryRun.path("runs").forEach(r -> expected.add(r.path("runId").asText()));
        assertThat(shown).containsExactlyInAnyOrderElementsOf(expected);
        for (JsonNode s : http.call("results-service", "GET", "/api/studies", null)) {
            assertThat(s.path("name").asText()).as("a preview submits nothing").isNotEqualTo(name);
        }
        screenshot(browser, "submit-preview");
        browser.findElement(By.id("submit")).click();
        wait(browser).until(ExpectedConditions.urlContains("/study.html?id="));
        String studyId = URI.create(browser.getCurrentUrl()).getQuery().replaceFirst("^id=", "");
        JsonNode study = http.call("results-service", "GET", "/api/studies/" + studyId, null);
        assertThat(study.path("name").asText()).isEqualTo(name);
        List<String> runs = new ArrayList<>();
        study.path("runs").forEach(r -> runs.add(r.path("runId").asText()));
        assertThat(runs)
                .containsExactlyInAnyOrderElementsOf(expected.stream()
                        .map(r -> r.replace(dryRun.path("studyId").asText(), studyId))
                        .toList());
        return studyId;
    }

    /** A run's epoch cell and its curve move forward on the open page (a marker set in the page survives: no reload). */
    private static String watchLiveProgress(WebDriver browser, String studyId) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.__sameDocument = 'yes';");
        String runId = (String) wait(browser)
                .until(d -> js.executeScript(
                        "const c = [...document.querySelectorAll('#runs-table tr[data-run]')].find(r =>"
                                + " /^[12]\\/3$/.test(r.querySelector('[data-field=epoch]').textContent));"
                                + " return c ? c.dataset.run : null;"));
        // read in one script: the rows are re-rendered after every event, so a held element goes stale
        String epochOf = "const r = document.querySelector('#runs-table tr[data-run=\"' + arguments[0] + '\"]');"
                + " return r ? parseInt(r.querySelector('[data-field=epoch]').textContent, 10) : -1;";
        int first = ((Number) js.executeScript(epochOf, runId)).intValue();
        screenshot(browser, "study-live-1");
        wait(browser).until(d -> ((Number) js.executeScript(epochOf, runId)).intValue() > first);
        // the curves re-render from the API after each event: the chart's last epoch moves too
        String label = (String) js.executeScript(
                "return document.querySelector('#runs-table tr[data-run=\"'"
                        + " + arguments[0] + '\"] td:nth-of-type(2)').textContent;",
                runId);
        wait(browser).until(d -> {
            Object n = js.executeScript(
                    "const c = window.softcifarCharts['curves/' + arguments[0]];" + " return c ? c.data[0].length : 0;",
                    label);
            return ((Number) n).intValue() > first;
        });
        assertThat(js.executeScript("return window.__sameDocument;")).isEqualTo("yes");
        screenshot(browser, "study-live-2");
        new WebDriverWait(browser, Duration.ofMinutes(4)).until(d -> (Boolean) js.executeScript("const cells ="
                + " [...document.querySelectorAll('#runs-table td[data-field=evaluated]')];"
                + " return cells.length === 1 && cells.every(c => c.textContent === 'yes');"));
        return runId;
    }

    /**
     * Every cell of the comparison table is the API's mean, formatted here as the page's {@code fmt} does (scale, then
     * the display's decimals, ties away from zero on the exact binary value as JavaScript's toFixed), with the ★ on
     * the API's best; n = 1 per configuration, so no ± part.
     */
    private static void tableEqualsTheApi(WebDriver browser, Stack http, String studyId) throws Exception {
        JsonNode comparison = http.call("results-service", "GET", "/api/studies/" + studyId + "/comparison", null);
        wait(browser)
                .until(d -> d.findElements(By.cssSelector("#comparison-table td[data-metric]"))
                                .size()
                        >= comparison.path("configurations").size());
        int checked = 0;
        for (JsonNode row : comparison.path("configurations")) {
            String config = row.path("key").asText();
            assertThat(browser.findElement(By.cssSelector(
                                    "#comparison-table tr[data-config='" + config + "'] td:nth-of-type(1)"))
                            .getText())
                    .isEqualTo(row.path("n").asText());
            for (org.openqa.selenium.WebElement td : browser.findElements(
                    By.cssSelector("#comparison-table tr[data-config='" + config + "'] td[data-metric]"))) {
                String metric = td.getAttribute("data-metric");
                JsonNode cell = row.path("metrics").path(metric);
                JsonNode display = comparison.path("display").path(metric);
                assertThat(cell.path("stdErr").isNull())
                        .as(metric + " has no error with one seed")
                        .isTrue();
                String mean = new java.math.BigDecimal(cell.path("mean").asDouble()
                                * display.path("scale").asDouble())
                        .setScale(display.path("decimals").asInt(), java.math.RoundingMode.HALF_UP)
                        .toPlainString();
                assertThat(td.getText())
                        .as(row.path("label").asText() + " " + metric)
                        .isEqualTo(cell.path("best").asBoolean() ? mean + " ★" : mean);
                checked++;
            }
        }
        assertThat(checked)
                .as("cells compared")
                .isGreaterThanOrEqualTo(2 * comparison.path("configurations").size());
        screenshot(browser, "study-finished");
    }

    /**
     * The run page's best.ckpt link: the browser fetches the bytes the link serves and hashes them with
     * crypto.subtle; the same object read from the S3 server's data folder (the stack's store) has that SHA-256.
     */
    private static void downloadMatchesTheObjectStore(WebDriver browser, Stack http, Path home, String runId)
            throws Exception {
        browser.get(browser.getCurrentUrl().replaceFirst("/study\\.html.*$", "/run.html?id=" + runId));
        By link = By.xpath("//table[@id='artifacts-table']//a[contains(., 'best.ckpt')]");
        wait(browser).until(ExpectedConditions.presenceOfElementLocated(link));
        // the trainer's training accuracy per epoch, served in the run's JSON, is what the run page plots beside
        // the validation accuracy
        List<Double> trainAccuracy = new ArrayList<>();
        for (JsonNode p :
                http.call("results-service", "GET", "/api/runs/" + runId, null).path("progress")) {
            assertThat(p.path("trainAccuracy").isNumber())
                    .as("epoch %s trainAccuracy", p.path("epoch"))
                    .isTrue();
            assertThat(p.path("trainAccuracy").asDouble()).isBetween(0.0, 1.0);
            trainAccuracy.add(p.path("trainAccuracy").asDouble());
        }
        assertThat(trainAccuracy).hasSize(3);
        List<?> plotted = (List<?>)
                wait(browser)
                        .until(
                                d -> ((JavascriptExecutor) d)
                                        .executeScript(
                                                "const c = window.softcifarCharts['curves/Accuracy']; return c ? [c.series, c.data[1]] : null;"));
        assertThat(plotted.get(0)).isEqualTo(List.of("training", "validation"));
        assertThat(((List<?>) plotted.get(1))
                        .stream().map(x -> ((Number) x).doubleValue()).toList())
                .isEqualTo(trainAccuracy);
        String href = browser.findElement(link).getAttribute("href");
        Object hex = ((JavascriptExecutor) browser)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + " fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-256', b))"
                                + ".then(d => done([...new Uint8Array(d)].map(x => x.toString(16).padStart(2, '0')).join('')))"
                                + ".catch(e => done('error: ' + e));",
                        href);
        String key = null;
        for (JsonNode c :
                http.call("results-service", "GET", "/api/runs/" + runId, null).path("checkpoints")) {
            if (c.path("key").asText().endsWith("best.ckpt")) {
                key = c.path("key").asText();
            }
        }
        assertThat(key).as("best checkpoint of " + runId).isNotNull();
        Path stored = home.resolve("s3").resolve(LocalStack.BUCKET).resolve(key);
        assertThat(stored).as("the object in the S3 server's folder").isRegularFile();
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(stored)));
        assertThat(hex).isEqualTo(expected);
        screenshot(browser, "run");
    }

    /** A second study of one long run; once it runs, the page's cancel button stops it, as the API then says. */
    private static void cancelThroughThePage(WebDriver browser, Stack http, String datasetId) throws Exception {
        String studyId = http.call(
                        "results-service",
                        "POST",
                        "/api/studies",
                        StackClient.json().readTree(studyRequest("cancel " + datasetId, datasetId, 200)))
                .path("id")
                .asText();
        awaitTrue(
                "the long run running",
                Duration.ofMinutes(1),
                () -> http.call("results-service", "GET", "/api/studies/" + studyId, null)
                        .path("runs")
                        .get(0)
                        .path("status")
                        .asText()
                        .equals("RUNNING"));
        browser.get(browser.getCurrentUrl().replaceFirst("/run\\.html.*$", "/study.html?id=" + studyId));
        wait(browser).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs-table tr[data-run]")));
        browser.findElement(By.id("cancel")).click();
        wait(browser).until(ExpectedConditions.alertIsPresent()).accept();
        wait(browser)
                .until(ExpectedConditions.textToBePresentInElementLocated(
                        By.id("notice"), "Cancel the study: 1 run(s)."));
        awaitTrue(
                "the run cancelled",
                Duration.ofMinutes(1),
                () -> http.call("results-service", "GET", "/api/studies/" + studyId, null)
                        .path("runs")
                        .get(0)
                        .path("status")
                        .asText()
                        .equals("CANCELLED"));
        wait(browser)
                .until(ExpectedConditions.textToBePresentInElementLocated(
                        By.cssSelector("#runs-table td[data-field='status']"), "CANCELLED"));
        screenshot(browser, "study-cancelled");
    }

    /** One configuration (basic, soft labels, depth 8), one seed, batch 32, no warm-up. */
    private static String studyRequest(String name, String datasetId, int epochs) {
        return "{\"name\": \"" + name + "\", \"datasetId\": \"" + datasetId + "\", \"grid\": {\"methods\": "
                + "[\"basic\"], \"labelModes\": [\"soft\"], \"depth\": [8]}, \"seeds\": 1, \"overrides\": "
                + "{\"epochs\": " + epochs + ", \"warmupEpochs\": 0, \"batchSize\": 32}}";
    }

    /**
     * Every HTTP call of this test and the browser's first page: the one place that adds the stack's credential —
     * the API token `up` wrote into the home ({@code api-token}) as a bearer header, and for the browser the
     * one-time sign-in link a user gets from {@code ./softcifar open} (a code spent for a session cookie).
     */
    private record Stack(Map<String, String> urls, String token) {

        JsonNode call(String service, String method, String path, JsonNode body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(urls.get(service).replaceAll("/+$", "") + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + token);
            request.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body.toString()));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> answer =
                    HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode())
                    .as(method + " " + path + ": " + answer.body())
                    .isBetween(200, 299);
            return StackClient.json().readTree(answer.body());
        }

        /** Signs the browser in through a one-time link (as {@code ./softcifar open} prints it) landing on {@code page}. */
        void open(WebDriver browser, String page) throws Exception {
            String link = call("results-service", "POST", "/api/auth/sign-in-codes", null)
                    .path("path")
                    .asText();
            browser.get(urls.get("results-service").replaceAll("/+$", "") + link + "&next="
                    + java.net.URLEncoder.encode(page, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1400,2400");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver-stack.log"))
                .build();
        return new ChromeDriver(service, options);
    }

    private static WebDriverWait wait(WebDriver browser) {
        return new WebDriverWait(browser, WAIT);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Duration limit, Check check) {
        org.awaitility.Awaitility.await(what)
                .atMost(limit)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> !(e instanceof AssertionError))
                .until(check::holds);
    }

    private static void screenshot(WebDriver browser, String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target/stack-browser"));
            Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
