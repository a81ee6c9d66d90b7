package io.softcifar.trainer.rest;

import io.softcifar.service.rest.ApiError;
import io.softcifar.trainer.service.TrainerService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Read-only view of the runs of this replica (the ones training now and the last ones that ended). The pipeline's
 * view of all runs is the compacted training-state topic; this is for operators looking at one trainer.
 */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    @Inject
    TrainerService service;

    @GET
    @Operation(summary = "Runs of this trainer replica, newest first")
    public List<RunView> list() {
        return service.registry().list().stream().map(RunView::of).toList();
    }

    @GET
    @Path("/{runId}")
    @Operation(summary = "One run of this trainer replica")
    public Response get(@PathParam("runId") String runId) {
        return ApiError.okOrNotFound(
                service.registry().find(runId).map(RunView::of),
                "no run " + runId + " on this trainer replica (it may train elsewhere or have ended long ago)");
    }
}
