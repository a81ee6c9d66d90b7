package io.softcifar.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.softcifar.contracts.events.EventCodec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetSpecTest {

    private static final Sources DIR = Sources.fromDir("/data/cifar10h");

    private static DatasetSpec spec(String protocol, SplitRatios ratios) {
        return new DatasetSpec(protocol, DIR, ratios, null, null, null, null, null);
    }

    @Test
    void defaultsAreTheProtocols() {
        DatasetSpec s = new DatasetSpec(null, DIR, null, null, null, null, null, null).withDefaults();

        assertThat(s.protocol()).isEqualTo("cifar10h-split");
        assertThat(s.splitRatios()).isEqualTo(new SplitRatios(0.8, 0.05, 0.15));
        assertThat(s.seeds()).containsExactly(0L);
        assertThat(s.labelVariants()).containsExactly("soft", "hard");
        assertThat(s.oodSets()).isEmpty();
        assertThat(s.entropyThreshold()).isNull();
        assertThat(s.limit()).isNull();
        assertThat(s.validate()).isEmpty();
        // 10,000 images → 8,000 / 500 / 1,500 (PROTOCOL.md)
        assertThat(s.splitRatios().sizes(10_000)).containsExactly(8000, 500, 1500);
    }

    @Test
    void petersonDefaultsToAllImagesForTrainingAndValidation() {
        DatasetSpec s = spec("peterson", null).withDefaults();

        assertThat(s.splitRatios()).isEqualTo(new SplitRatios(0.95, 0.05, 0.0));
        assertThat(s.validate()).isEmpty();
        assertThat(s.requiredInputs()).contains(DatasetInput.CIFAR10_ARCHIVE);
    }

    @Test
    void petersonRejectsATestFraction() {
        List<FieldError> errors =
                spec("peterson", new SplitRatios(0.8, 0.05, 0.15)).validate();

        assertThat(errors).extracting(FieldError::field).containsExactly("splitRatios.test");
        assertThat(errors.get(0).message()).contains("must be 0 for protocol peterson", "0.15");
    }

    @Test
    void splitRatiosAreCheckedFieldByField() {
        List<FieldError> sumErrors =
                spec(null, new SplitRatios(0.9, 0.05, 0.15)).validate();
        assertThat(sumErrors).extracting(FieldError::field).containsExactly("splitRatios");
        assertThat(sumErrors.get(0).message()).startsWith("train + validation + test must be 1, got 1.1");
        assertThat(spec(null, new SplitRatios(1.2, -0.1, -0.1)).validate())
                .extracting(FieldError::field)
                .containsExactly("splitRatios.train", "splitRatios.validation", "splitRatios.test");
        assertThat(spec(null, new SplitRatios(0.95, 0.0, 0.05)).validate())
                .extracting(FieldError::field)
                .containsExactly("splitRatios.validation");
        assertThat(spec(null, new SplitRatios(0.95, 0.05, 0.0)).validate())
                .extracting(FieldError::field)
                .containsExactly("splitRatios.test");
        // within 1e-9 of 1 is fine (0.1 + 0.2 + 0.7 is not exactly 1 in binary)
        assertThat(spec(null, new SplitRatios(0.7, 0.1, 0.2)).validate()).isEmpty();
        assertThat(spec(null, new SplitRatios(0.7, 0.1, 0.2 + 2e-9)).validate())
                .extracting(FieldError::field)
                .containsExactly("splitRatios");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        DatasetSpec bad = new DatasetSpec(
                "imagenet",
                DIR,
                null,
                Arrays.asList(1L, -2L, 1L, null),
                List.of("soft", "fuzzy", "soft"),
                -0.5,
                List.of("mnist"),
                5);

        assertThat(bad.validate())
                .extracting(FieldError::field)
                .containsExactly(
                        "protocol",
                        "seeds[1]",
                        "seeds[2]",
                        "seeds[3]",
                        "labelVariants[1]",
                        "labelVariants[2]",
                        "entropyThreshold",
                        "oodSets[0]",
                        "limit");
        assertThat(bad.validate())
                .extracting(FieldError::toString)
                .contains(
                        "protocol: unknown protocol 'imagenet' (expected cifar10h-split or peterson)",
                        "seeds[2]: duplicate seed 1",
                        "labelVariants[1]: unknown label variant 'fuzzy' (expected soft or hard)",
                        "oodSets[0]: unknown OOD set 'mnist' (expected svhn or cifar100)",
                        "limit: must be between 20 and 10000 images (leave it out for all), got 5");
    }

    @Test
    void emptyListsAreNotDefaults() {
        DatasetSpec s = new DatasetSpec(null, DIR, null, List.of(), List.of(), null, List.of(), null);

        assertThat(s.validate()).extracting(FieldError::field).containsExactly("seeds", "labelVariants");
    }

    @Test
    void smallLimitsMustLeaveEverySplitAnImage() {
        assertThat(new DatasetSpec(null, DIR, null, null, null, null, null, 20).validate())
                .isEmpty();
        // 20 · 0.04 = 0.8 → no validation image
        assertThat(new DatasetSpec(null, DIR, new SplitRatios(0.8, 0.04, 0.16), null, null, null, null, 20).validate())
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "limit",
                        "20 images are too few for split ratios 0.8/0.04/0.16 "
                                + "(sizes 16/0/4 for train/validation/test; every split must hold an image)"));
    }

    @Test
    void downloadUrlsNeedAChecksum() {
        Sources sources =
                DIR.with(DatasetInput.CIFAR10H_PROBS, new SourceRef(null, "https://example.org/probs.npy", null, null));

        assertThat(new DatasetSpec(null, sources, null, null, null, null, null, null).validate())
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple(
                        "sources.cifar10hProbs.url",
                        "a download needs md5 or sha256 so the file "
                                + "can be verified, got none for 'https://example.org/probs.npy'"));
    }

    @Test
    void checksumsMustBeHexOfTheRightLength() {
        Sources sources = DIR.with(
                        DatasetInput.CIFAR10_ARCHIVE, new SourceRef(null, "https://example.org/a.tgz", "xyz", null))
                .with(DatasetInput.SVHN_TEST, new SourceRef("/x/test_32x32.mat", null, null, "ab"))
                .with(
                        DatasetInput.CIFAR10H_COUNTS,
                        new SourceRef(null, "https://example.org/c.npy", null, "g".repeat(64)));

        assertThat(new DatasetSpec(null, sources, null, null, null, null, null, null).validate())
                .extracting(FieldError::toString)
                .containsExactly(
                        "sources.cifar10Archive.md5: must be 32 hex digits, got 'xyz' (3 characters)",
                        "sources.cifar10hCounts.sha256: must be 64 hex digits, got '" + "g".repeat(64)
                                + "' (64 characters)",
                        "sources.svhnTest.sha256: must be 64 hex digits, got 'ab' (2 characters)");
    }

    @Test
    void sourceRefsNeedExactlyOneLocationAndASafeUrl() {
        String md5 = "c32a1d4ab5d03f1284b67883e8d87530";
        Sources sources = DIR.with(DatasetInput.CIFAR10_TEST, new SourceRef("/a", "https://example.org/a", md5, null))
                .with(DatasetInput.CIFAR10_ARCHIVE, new SourceRef(null, null, md5, null))
                .with(DatasetInput.CIFAR10H_PROBS, SourceRef.ofUrlMd5("http://example.org/p.npy", md5))
                .with(DatasetInput.CIFAR10H_COUNTS, SourceRef.ofUrlMd5("ftp://example.org/c.npy", md5));

        assertThat(new DatasetSpec(null, sources, null, null, null, null, null, null).validate())
                .extracting(FieldError::toString)
                .containsExactly(
                        "sources.cifar10Test: give either path or url, not both",
                        "sources.cifar10Archive: give a path or a url",
                        "sources.cifar10hProbs.url: must be https (plain http only for 127.0.0.1 or localhost), "
                                + "got 'http://example.org/p.npy'",
                        "sources.cifar10hCounts.url: must be an https URL with a host, got 'ftp://example.org/c.npy'");
    }

    @Test
    void plainHttpIsAcceptedForLoopbackAndTheOfficialSvhnUrl() {
        String md5 = "c32a1d4ab5d03f1284b67883e8d87530";
        Sources sources = DIR.with(DatasetInput.CIFAR10H_PROBS, SourceRef.ofUrlMd5("http://127.0.0.1:9000/p.npy", md5))
                .with(DatasetInput.CIFAR10H_COUNTS, SourceRef.ofUrlMd5("http://localhost/c.npy", md5))
                .with(DatasetInput.SVHN_TEST, OfficialSources.SVHN_TEST);

        assertThat(new DatasetSpec(null, sources, null, null, null, null, List.of("svhn"), null).validate())
                .isEmpty();
    }

    @Test
    void everyRequiredInputNeedsARoute() {
        DatasetSpec none = new DatasetSpec("peterson", null, null, null, null, null, List.of("svhn", "cifar100"), null);

        assertThat(none.validate())
                .extracting(FieldError::field)
                .containsExactly(
                        "sources.cifar10Test",
                        "sources.cifar10hProbs",
                        "sources.cifar10Archive",
                        "sources.svhnTest",
                        "sources.cifar100Archive");
        assertThat(none.validate().get(1).message())
                .isEqualTo("no source for cifar10h-probs.npy: give a path or "
                        + "url, set sources.dir to a folder holding it, or set sources.download to true to fetch it from "
                        + "https://github.com/jcpeterson/cifar-10h/raw/master/data/cifar10h-probs.npy");

        DatasetSpec downloads = new DatasetSpec(
                "peterson", Sources.officialDownloads(), null, null, null, null, List.of("svhn", "cifar100"), null);
        assertThat(downloads.validate()).isEmpty();
    }

    @Test
    void theArchiveCanStandInForTestBatch() {
        Sources sources = Sources.NONE
                .with(DatasetInput.CIFAR10_ARCHIVE, SourceRef.ofPath("/d/cifar-10-binary.tar.gz"))
                .with(DatasetInput.CIFAR10H_PROBS, SourceRef.ofPath("/d/cifar10h-probs.npy"));

        assertThat(DatasetSpec.protocol(sources).validate()).isEmpty();
    }

    @Test
    void candidatesAreExplicitThenDirThenOfficial() {
        SourceRef mirror = SourceRef.ofUrlSha256("https://m.example.org/p.npy", "a".repeat(64));
        Sources sources = new Sources("/data/", true, null, null, mirror, null, null, null);

        assertThat(sources.candidates(DatasetInput.CIFAR10H_PROBS))
                .containsExactly(mirror, SourceRef.ofPath("/data/cifar10h-probs.npy"), OfficialSources.CIFAR10H_PROBS);
        assertThat(sources.candidates(DatasetInput.CIFAR10_TEST))
                .containsExactly(SourceRef.ofPath("/data/test_batch.bin"));
    }

    @Test
    void canonicalJsonIgnoresKeyOrderDefaultsSourcesAndSetOrder() {
        String fromJson = EventCodec.fromJson("""
                {"oodSets":["svhn"],"seeds":[2,0,1],"sources":{"download":true},
                 "labelVariants":["hard","soft"],"protocol":"cifar10h-split"}
                """, DatasetSpec.class).canonicalJson();
        String fromJava = new DatasetSpec(
                        null,
                        DIR,
                        new SplitRatios(0.8, 0.05, 0.15),
                        List.of(0L, 1L, 2L),
                        null,
                        null,
                        List.of("svhn"),
                        null)
                .canonicalJson();

        assertThat(fromJson)
                .isEqualTo(fromJava)
                .isEqualTo("{\"labelVariants\":[\"hard\",\"soft\"],"
                        + "\"oodSets\":[\"svhn\"],\"protocol\":\"cifar10h-split\",\"seeds\":[0,1,2],"
                        + "\"splitRatios\":{\"test\":0.15,\"train\":0.8,\"validation\":0.05}}");
    }

    @Test
    void settingsThatMeanNoneAreCanonicallyAbsent() {
        DatasetSpec none = DatasetSpec.protocol(DIR);

        assertThat(new DatasetSpec(null, DIR, null, null, null, 0.0, null, 10_000).canonicalJson())
                .isEqualTo(none.canonicalJson());
    }

    @Test
    void canonicalJsonChangesWithTheDataset() {
        DatasetSpec base = DatasetSpec.protocol(DIR);
        DatasetSpec limited = new DatasetSpec(null, DIR, null, null, null, null, null, 500);
        DatasetSpec thresholded = new DatasetSpec(null, DIR, null, null, null, 0.1, null, null);

        assertThat(List.of(base.canonicalSha256(), limited.canonicalSha256(), thresholded.canonicalSha256()))
                .doesNotHaveDuplicates()
                .allMatch(h -> h.matches("[0-9a-f]{64}"));
    }

    @Test
    void anInvalidSpecHasNoCanonicalForm() {
        DatasetSpec bad = new DatasetSpec("imagenet", DIR, null, null, null, null, null, null);

        assertThatThrownBy(bad::canonicalJson)
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("protocol: unknown protocol 'imagenet'");
    }

    @Test
    void jsonRoundTripKeepsTheSpec() {
        DatasetSpec s = new DatasetSpec(
                "peterson",
                Sources.officialDownloads(),
                null,
                List.of(3L, 4L),
                List.of("hard"),
                0.25,
                List.of("cifar100"),
                1000);

        assertThat(EventCodec.fromJson(EventCodec.toJson(s), DatasetSpec.class)).isEqualTo(s);
    }
}
