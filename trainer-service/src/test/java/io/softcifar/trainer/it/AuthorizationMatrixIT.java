package io.softcifar.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.softcifar.testsupport.AuthorizationMatrix;
import io.softcifar.testsupport.InfrastructureTestResource;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the trainer-service's route table (read at run time) × no, invalid, read and submit credential;
 * health and metrics on the management port without one (docs/security.md, "Authentication").
 */
@QuarkusTest
@QuarkusTestResource(InfrastructureTestResource.class)
class AuthorizationMatrixIT {

    @Test
    void everyEndpointNeedsACredentialAndTheSubmitRoleToChangeState() {
        assertThat(AuthorizationMatrix.verify("GET /api/runs/{runId}", "GET /api/runs"))
                .isNotEmpty();
    }
}
