package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.testsupport.ErrorShape;
import io.softcifar.testsupport.InfrastructureTestResource;
import org.junit.jupiter.api.Test;

/**
 * Every error this read-only service can be made to answer over real HTTP is the one documented JSON shape
 * (docs/security.md: {@code {"status", "error", "problems": [{"field", "message"}]}}), checked field by field by
 * test-support's {@link ErrorShape}: unknown path 404, wrong method 405, unknown id 404, 401 without or with an
 * invalid credential, 421 for a foreign {@code Host}. It takes no request body, so 403/415/400 have no endpoint here.
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class ErrorShapeIT {

    @Test
    void everyErrorItCanBeMadeToAnswerIsTheOneShape() {
        assertThat(ErrorShape.checkCommonKinds("/api/runs/no-such-run", null))
                .containsOnlyKeys("unknown path", "wrong method", "unknown id", "unauthenticated", "misdirected");
    }
}
