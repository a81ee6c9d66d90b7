package io.softcifar.evaluator.rest;

import io.smallrye.common.annotation.Blocking;
import io.softcifar.evaluator.service.EvaluationService;
import io.softcifar.service.rest.ApiError;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/evaluations/{runId}}: a run's complete evaluation, as stored in its metrics.json. */
@Path("/api/evaluations")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class EvaluationResource {

    @Inject
    EvaluationService service;

    @GET
    @Path("{runId}")
    @Operation(
            summary = "Show a run's evaluation",
            description = "The run's metrics.json: metrics named split/metric"
                    + " (test/accuracy as a fraction, test/ece, ood/svhn_auroc, fgsm/0.005_decrease, ...), the reliability"
                    + " diagram, the dump's key, what was evaluated and how long it took.")
    @APIResponse(responseCode = "200", description = "the evaluation is complete")
    @APIResponse(
            responseCode = "404",
            description = "no complete evaluation of this run (not evaluated yet, failed, or no such run)")
    public Response get(@PathParam("runId") String runId) {
        return service.metricsJson(runId)
                .map(json -> Response.ok(json, MediaType.APPLICATION_JSON_TYPE).build())
                .orElseGet(() -> ApiError.notFound("no complete evaluation of run '" + runId + "'"));
    }
}
