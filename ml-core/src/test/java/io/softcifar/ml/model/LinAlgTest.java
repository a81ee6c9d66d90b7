package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The test-side linear algebra must itself be right before it judges the model. */
class LinAlgTest {

    @Test
    void jacobiRecoversKnownSpectrum() {
        int n = 12;
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            expected[i] = i * 0.75 - 2; // includes negative, zero-ish and positive eigenvalues
        }
        // A = Q diag Qᵀ with Q a product of random Givens rotations
        Random r = new Random(3);
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            q[i][i] = 1;
        }
        for (int k = 0; k < 200; k++) {
            int p = r.nextInt(n);
            int s = (p + 1 + r.nextInt(n - 1)) % n;
            double angle = r.nextDouble() * 2 * Math.PI;
            double c = Math.cos(angle);
            double sn = Math.sin(angle);
            for (int i = 0; i < n; i++) {
                double a = q[i][p];
                double b = q[i][s];
                q[i][p] = c * a - sn * b;
                q[i][s] = sn * a + c * b;
            }
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += q[i][k] * expected[k] * q[j][k];
                }
                a[i * n + j] = sum;
            }
        }
        double[] eig = LinAlg.symmetricEigenvalues(a, n);
        for (int i = 0; i < n; i++) {
            assertThat(eig[i]).isCloseTo(expected[i], within(1e-10));
        }
    }

    @Test
    void largestSingularValueOfKnownMatrices() {
        // diag(3, -5) padded to 2 × 3: singular values 5 and 3
        assertThat(LinAlg.largestSingularValue(new double[] {3, 0, 0, 0, -5, 0}, 2, 3))
                .isCloseTo(5, within(1e-12));
        // rank one u vᵀ: σ = ‖u‖‖v‖, both orientations
        double[] u = {1, 2, 2};
        double[] v = {3, 4};
        double[] m = new double[6];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                m[i * 2 + j] = u[i] * v[j];
            }
        }
        assertThat(LinAlg.largestSingularValue(m, 3, 2)).isCloseTo(15, within(1e-12));
        // Frobenius² = Σσ²: random 5 × 9 against the full Gram spectrum
        Random r = new Random(1);
        double[] g = new double[45];
        Arrays.setAll(g, i -> r.nextGaussian());
        double frob = Arrays.stream(g).map(x -> x * x).sum();
        double[] eig = LinAlg.symmetricEigenvalues(LinAlg.gram(g, 5, 9), 5);
        assertThat(Arrays.stream(eig).sum()).isCloseTo(frob, within(1e-10));
        assertThat(LinAlg.largestSingularValue(g, 5, 9)).isCloseTo(Math.sqrt(eig[4]), within(1e-12));
    }
}
