package io.softcifar.results.rest;

import io.smallrye.common.annotation.Blocking;
import io.softcifar.results.service.RunPhase;
import io.softcifar.results.service.StudyService;
import io.softcifar.service.rest.ApiError;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/runs/{id}}: one run in full, cancelling and retrying it. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    @Inject
    StudyService service;

    @GET
    @Path("{id}")
    @Operation(
            summary = "Show a run",
            description = "Spec, status, progress history (one point per epoch), "
                    + "checkpoints, training outcome and evaluation metrics.")
    @APIResponse(responseCode = "404", description = "no such run")
    public Response get(@PathParam("id") String id) {
        return ApiError.okOrNotFound(service.view().run(id), notFoundMessage(id));
    }

    @POST
    @Path("{id}/cancel")
    @Blocking
    @Operation(
            summary = "Cancel a run",
            description = "Publishes training.cancel_requested; the trainer stops the "
                    + "run and answers training.cancelled (its checkpoints stay, a retry resumes from them).")
    @APIResponse(responseCode = "202", description = "asked to stop")
    @APIResponse(responseCode = "404", description = "no such run")
    @APIResponse(responseCode = "409", description = "the run has ended already")
    public Response cancel(@PathParam("id") String id) {
        Optional<RunPhase> phase = service.view().phase(id);
        if (phase.isEmpty()) {
            return notFound(id);
        }
        if (phase.get().isTerminal()) {
            return ApiError.conflict("run '" + id + "' has ended already (" + phase.get() + "); nothing to cancel");
        }
        service.runs().cancel(id, "cancelled via the results service");
        return Response.accepted(Map.of("runId", id, "status", phase.get().name(), "cancelRequested", true))
                .build();
    }

    @POST
    @Path("{id}/retry")
    @Blocking
    @Operation(
            summary = "Retry a run",
            description = "A FAILED or CANCELLED run: training.requested again (it "
                    + "resumes from its checkpoints). A FINISHED run whose evaluation failed: its final best checkpoint.published "
                    + "again, so the evaluator evaluates it again.")
    @APIResponse(responseCode = "202", description = "asked again")
    @APIResponse(responseCode = "404", description = "no such run")
    @APIResponse(responseCode = "409", description = "neither failed nor cancelled, nor a failed evaluation")
    public Response retry(@PathParam("id") String id) {
        Optional<RunPhase> phase = service.view().phase(id);
        if (phase.isEmpty()) {
            return notFound(id);
        }
        if (service.runs().retryEvaluation(id)) {
            return Response.accepted(Map.of("runId", id, "status", phase.get().name(), "retried", "evaluation"))
                    .build();
        }
        if (service.runs().retryRun(id)) {
            return Response.accepted(Map.of("runId", id, "status", phase.get().name(), "retried", "training"))
                    .build();
        }
        return ApiError.conflict("run '" + id + "' is " + phase.get() + " and has no failed evaluation; only failed or"
                + " cancelled runs and failed evaluations are retried");
    }

    /** The 404 of every {@code /api/runs/{id}...} resource of this service. */
    static String notFoundMessage(String id) {
        return "no run with id '" + id + "'";
    }

    private static Response notFound(String id) {
        return ApiError.notFound(notFoundMessage(id));
    }
}
