package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnumIdsTest {

    @Test
    void idsAreMatchedTrimmedAndInAnyCase() {
        assertThat(Method.parse(" SNGP ")).isEqualTo(Method.SNGP);
        assertThat(Method.parse("dropout")).isEqualTo(Method.DROPOUT);
        assertThat(GpFormulation.parse("LIU2020")).isEqualTo(GpFormulation.LIU2020);
    }

    @Test
    void anUnknownIdIsNamedWithEveryKnownOneInDeclarationOrder() {
        assertThatThrownBy(() -> Method.parse("bayes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown method 'bayes' (expected one of basic, dropout, sngp, duq)");
        assertThatThrownBy(() -> GpFormulation.parse("edward"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gp-formulation: unknown 'edward' (expected one of reference, liu2020)");
        assertThatThrownBy(() -> Method.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown method 'null' (expected one of basic, dropout, sngp, duq)");
    }
}
