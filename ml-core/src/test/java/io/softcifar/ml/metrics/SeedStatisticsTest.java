package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SeedStatisticsTest {

    @Test
    void handWorked() {
        // [1,2,3,4]: mean 2.5 ; squared deviations 2.25 + .25 + .25 + 2.25 = 5 ; var = 5/3
        //   std = sqrt(5/3) = 1.290994 ; stderr = std / 2 = 0.645497
        SeedStatistics s = SeedStatistics.of(new double[] {1, 2, 3, 4});
        assertThat(s.n()).isEqualTo(4);
        assertThat(s.mean()).isCloseTo(2.5, within(1e-12));
        assertThat(s.std()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12)).isCloseTo(1.290994, within(1e-6));
        assertThat(s.stdErr()).isCloseTo(0.645497, within(1e-6));
        assertThat(s.singleSample()).isFalse();
        assertThat(s.format(3)).isEqualTo("2.500 ± 0.645");
    }

    @Test
    void singleValueHasZeroSpreadAndIsFlagged() {
        SeedStatistics s = SeedStatistics.of(new double[] {0.83});
        assertThat(s.n()).isEqualTo(1);
        assertThat(s.mean()).isEqualTo(0.83);
        assertThat(s.std()).isZero();
        assertThat(s.stdErr()).isZero();
        assertThat(s.singleSample()).isTrue();
    }

    @Test
    void rejectsEmptyAndNonFinite() {
        assertThatThrownBy(() -> SeedStatistics.of(new double[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("values is empty");
        assertThatThrownBy(() -> SeedStatistics.of(new double[] {1, 2, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("values[2] is NaN");
        assertThatThrownBy(() -> SeedStatistics.of(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("values is null");
    }

    @Test
    void jacksonRoundTrip() throws Exception {
        ObjectMapper om = new ObjectMapper();
        SeedStatistics s = SeedStatistics.of(new double[] {0.5, 0.7});
        String json = om.writeValueAsString(s);
        assertThat(json).contains("\"stdErr\"").contains("\"singleSample\":false");
        assertThat(om.readValue(json, SeedStatistics.class)).isEqualTo(s);
    }
}
