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
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/runs/{id}}: one run in full, cancelling and retrying it. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "404", description = RunResource.NO_SUCH_RUN)
public class RunResource {

    /** The 404 of every {@code /api/runs/{id}...} operation of this service, for the API document. */
    static final String NO_SUCH_RUN = "no such run";

    @Inject
    StudyService service;

    @GET
    @Path("{id}")
    @Operation(
            summary = "Show a run",
            description = "Spec, status, progress history (one point per epoch), "
                    + "checkpoints, training outcome and evaluation metrics.")
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
    @APIResponse(responseCode = "409", description = "the run has ended already")
    public Response cancel(@PathParam("id") String id) {
        RunPhase phase = found(service.view().phase(id), id);
        if (phase.isTerminal()) {
            return ApiError.conflict("run '" + id + "' has ended already (" + phase + "); nothing to cancel");
        }
        service.runs().cancel(id, "cancelled via the results service");
        return Response.accepted(Map.of("runId", id, "status", phase.name(), "cancelRequested", true))
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
    @APIResponse(responseCode = "409", description = "neither failed nor cancelled, nor a failed evaluation")
    public Response retry(@PathParam("id") String id) {
        RunPhase phase = found(service.view().phase(id), id);
        if (service.runs().retryEvaluation(id)) {
            return Response.accepted(Map.of("runId", id, "status", phase.name(), "retried", "evaluation"))
                    .build();
        }
        if (service.runs().retryRun(id)) {
            return Response.accepted(Map.of("runId", id, "status", phase.name(), "retried", "training"))
                    .build();
        }
        return ApiError.conflict("run '" + id + "' is " + phase + " and has no failed evaluation; only failed or"
                + " cancelled runs and failed evaluations are retried");
    }

    /** The 404 message of every {@code /api/runs/{id}...} resource of this service. */
    static String notFoundMessage(String id) {
        return "no run with id '" + id + "'";
    }

    /**
     * What the view holds about run {@code id}; when it holds nothing the request ends with the 404 answer of every
     * {@code /api/runs/{id}...} operation.
     */
    static <T> T found(Optional<T> value, String id) {
        return value.orElseThrow(() -> new WebApplicationException(ApiError.notFound(notFoundMessage(id))));
    }
}
