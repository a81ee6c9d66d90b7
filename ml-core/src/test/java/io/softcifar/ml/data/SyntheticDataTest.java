package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDataTest {

    @TempDir
    Path tmp;

    @Test
    void folderHasTheCifar10hLayoutAndLoads() throws Exception {
        Path dir = SyntheticData.writeCifar10hFolder(tmp.resolve("c10h"), 1000, 11);
        assertThat(Files.readString(dir.resolve("batches.meta.txt")))
                .isEqualTo("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n");
        SoftLabelDataset d = Cifar10hFolder.load(dir);
        assertThat(d.size()).isEqualTo(1000);
        assertThat(d.images().classCounts(10)).containsOnly(100);
        // CIFAR-10H-like: many unanimous rows, argmax nearly always the generating class, some entropy
        double oneHot = 1 - d.fractionUncertain();
        assertThat(oneHot).isBetween(0.35, 0.55);
        assertThat(d.agreementWithOfficialLabels()).isGreaterThan(0.95);
        assertThat(d.meanEntropy()).isBetween(0.1, 0.8);
        for (int i = 0; i < d.size(); i++) {
            assertThat(d.softLabels().maxProb(i)).isGreaterThanOrEqualTo(0.3);
        }
    }

    @Test
    void deterministicPerSeed() throws Exception {
        assertThat(SyntheticData.images(40, 5)).isEqualTo(SyntheticData.images(40, 5));
        assertThat(SyntheticData.images(40, 5)).isNotEqualTo(SyntheticData.images(40, 6));
        Path a = SyntheticData.writeCifar10hFolder(tmp.resolve("a"), 30, 2);
        Path b = SyntheticData.writeCifar10hFolder(tmp.resolve("b"), 30, 2);
        for (String f : new String[] {"test_batch.bin", "cifar10h-probs.npy", "batches.meta.txt"}) {
            assertThat(Files.readAllBytes(a.resolve(f))).isEqualTo(Files.readAllBytes(b.resolve(f)));
        }
    }

    /** The class is learnable: nearest class-mean colour, fitted on one half, classifies the other half. */
    @Test
    void classIsLearnable() {
        LabeledImages li = SyntheticData.images(2000, 3);
        double[][] feat = new double[li.count()][3];
        for (int i = 0; i < li.count(); i++) {
            feat[i] = ChannelStats.of(li, new int[] {i}).mean();
        }
        double[][] centroid = new double[10][3];
        int[] n = new int[10];
        for (int i = 0; i < 1000; i++) {
            n[li.label(i)]++;
            for (int c = 0; c < 3; c++) {
                centroid[li.label(i)][c] += feat[i][c];
            }
        }
        for (int k = 0; k < 10; k++) {
            for (int c = 0; c < 3; c++) {
                centroid[k][c] /= n[k];
            }
        }
        int correct = 0;
        for (int i = 1000; i < 2000; i++) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < 10; k++) {
                double dist = 0;
                for (int c = 0; c < 3; c++) {
                    dist += Math.pow(feat[i][c] - centroid[k][c], 2);
                }
                if (dist < bestD) {
                    bestD = dist;
                    best = k;
                }
            }
            if (best == li.label(i)) {
                correct++;
            }
        }
        assertThat(correct / 1000.0).isGreaterThan(0.9);
    }

    @Test
    void oodFilesInOfficialFormats() {
        Path c100 = SyntheticData.writeCifar100Test(tmp.resolve("cifar-100/test.bin"), 50, 1);
        LabeledImages a = Cifar100Binary.read(c100);
        assertThat(a.count()).isEqualTo(50);
        assertThat(a).isEqualTo(SyntheticData.cifar100LikeImages(50, 1));

        Path svhn = SyntheticData.writeSvhnTest(tmp.resolve("svhn/test_32x32.mat"), 60, 2);
        LabeledImages b = SvhnMat.read(svhn);
        assertThat(b.count()).isEqualTo(60);
        assertThat(b).isEqualTo(SyntheticData.svhnLikeImages(60, 2));
        assertThat(b.classCounts(10)).matches(c -> java.util.Arrays.stream(c).sum() == 60);
    }
}
